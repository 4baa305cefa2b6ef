package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.taskdrivers.api.ExitResult;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns when our containers exit from one engine event stream for the whole driver, instead of one blocking wait
 * per task. When the stream breaks (engine restart), it reconnects with backoff and inspects every watched
 * container, so exits that happened while it was away are not missed. Whether an exit was an OOM kill is settled
 * with {@link OomNotices}, since the engine may report it only after the exit.
 */
final class ContainerWatcher implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerWatcher.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;
    /** How long an exit that looks like an OOM kill waits for the engine's {@code oom} event. */
    static final Duration OOM_GRACE = Duration.ofSeconds(2);

    private static final Duration LOG_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final DockerClient docker;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<ExitResult>> watched = new ConcurrentHashMap<>();
    private final Map<String, Boolean> settling = new ConcurrentHashMap<>();
    /** Containers whose first look is being taken, and whether an exit event came meanwhile. */
    private final Map<String, Boolean> firstLooks = new ConcurrentHashMap<>();

    private final OomNotices oomNotices;
    private final Object lock = new Object();
    private @Nullable Closeable stream;
    private @Nullable Listener current;
    private boolean connecting;
    private boolean closed;
    private long backoffMs = MIN_BACKOFF_MS;

    ContainerWatcher(DockerClient docker, ScheduledExecutorService scheduler) {
        this(docker, scheduler, OOM_GRACE);
    }

    ContainerWatcher(DockerClient docker, ScheduledExecutorService scheduler, Duration oomGrace) {
        this.docker = docker;
        this.scheduler = scheduler;
        this.oomNotices = new OomNotices(scheduler, oomGrace);
    }

    /** A container just started: the first look at it and its exit (completes once, never exceptionally). */
    record Started(InspectContainerResponse inspect, CompletableFuture<ExitResult> exit) {}

    /** The exit of container {@code id}; completes once, never exceptionally. */
    CompletableFuture<ExitResult> watch(String id) {
        CompletableFuture<ExitResult> future = register(id);
        ensureConnected();
        // the container may have exited before we started listening
        scheduler.execute(() -> resolve(id));
        return future;
    }

    /**
     * Watches a container just started and takes the first look at it now, returning that inspect for the caller
     * to read too (its network): a start costs one inspect, not one for the caller and one for the watcher. An
     * exit after the look comes as an event, or from the look every watched container gets once the stream is
     * (re)connected. When the inspect fails, the container is not watched and the engine's error is thrown.
     */
    Started watchStarted(String id) {
        firstLooks.put(id, Boolean.FALSE);
        CompletableFuture<ExitResult> future = register(id);
        ensureConnected();
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(id).exec();
        } catch (RuntimeException e) {
            firstLooks.remove(id);
            unwatch(id);
            throw e;
        }
        look(id, inspect);
        if (Boolean.TRUE.equals(firstLooks.remove(id))) {
            resolve(id); // an exit event came during the look, which may have been made before that exit
        }
        return new Started(inspect, future);
    }

    private CompletableFuture<ExitResult> register(String id) {
        CompletableFuture<ExitResult> future = watched.computeIfAbsent(id, k -> new CompletableFuture<>());
        future.whenComplete((r, e) -> {
            watched.remove(id, future);
            settling.remove(id);
            oomNotices.forget(id);
        });
        return future;
    }

    /** Stops watching {@code id} in this process; its future stays incomplete. */
    void unwatch(String id) {
        watched.remove(id);
        settling.remove(id);
        oomNotices.forget(id);
    }

    /**
     * Opens the event stream unless open or opening, without waiting for it. The driver calls this before it creates
     * a container, so the stream is usually listening by the time the container starts.
     */
    void ensureConnected() {
        synchronized (lock) {
            if (closed || stream != null || connecting) {
                return;
            }
            connecting = true;
        }
        scheduler.execute(this::connect);
    }

    private void connect() {
        // no ping first: an engine that does not answer fails the stream, which is retried the same way
        Listener listener = new Listener();
        Closeable opened;
        try {
            opened = docker.eventsCmd()
                    .withEventTypeFilter(EventType.CONTAINER)
                    .withEventFilter("die", "destroy", "oom", "kill")
                    .withLabelFilter(Map.of(DockerLabels.MANAGED, "true"))
                    .exec(listener);
        } catch (RuntimeException e) {
            LOG.debug("cannot open the engine event stream ({}); retrying in {} ms", EngineErrors.reason(e), backoffMs);
            retryLater();
            return;
        }
        synchronized (lock) {
            if (closed) {
                connecting = false;
                closeQuietly(opened);
                return;
            }
            if (listener.ended) {
                // the stream failed before we got here; try again (connecting stays true)
                retryLater();
                return;
            }
            connecting = false;
            current = listener;
            stream = opened;
        }
    }

    private void retryLater() {
        synchronized (lock) {
            if (closed) {
                connecting = false;
                return;
            }
            long delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            connecting = true;
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void streamEnded(Listener listener, @Nullable Throwable error) {
        synchronized (lock) {
            listener.ended = true;
            if (closed || listener != current) {
                return;
            }
            current = null;
            stream = null;
            connecting = true;
        }
        LOG.info(
                "engine event stream ended ({}); reconnecting",
                error == null ? "closed by the engine" : EngineErrors.reason(error));
        retryLater();
    }

    private final class Listener extends ResultCallback.Adapter<Event> {
        private boolean ended; // guarded by lock

        /** The engine answered: from now on it sends this stream the events of our containers. */
        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            synchronized (lock) {
                backoffMs = MIN_BACKOFF_MS;
            }
            LOG.debug("engine event stream open");
            // exits while the stream was down (engine restart, or before it first opened) produced no event we saw
            List.copyOf(watched.keySet()).forEach(ContainerWatcher.this::lookAgain);
        }

        @Override
        public void onNext(Event event) {
            String id = event.getId() != null
                    ? event.getId()
                    : event.getActor() != null ? event.getActor().getId() : null;
            if (id == null || !watched.containsKey(id)) {
                return;
            }
            String action = event.getAction() != null ? event.getAction() : event.getStatus();
            if ("oom".equals(action)) {
                oomNotices.oomEvent(id);
            } else if ("kill".equals(action)) {
                if (isSigkill(event)) {
                    oomNotices.sigkillSent(id);
                }
            } else {
                lookAgain(id);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            streamEnded(this, throwable);
        }

        @Override
        public void onComplete() {
            streamEnded(this, null);
        }
    }

    private static boolean isSigkill(Event event) {
        Map<String, String> attributes =
                event.getActor() == null ? null : event.getActor().getAttributes();
        String signal = attributes == null ? null : attributes.get("signal");
        return "9".equals(signal) || "SIGKILL".equals(signal) || "KILL".equals(signal);
    }

    /** Has {@code id} inspected again soon; a first look still being taken does that itself once done. */
    private void lookAgain(String id) {
        if (firstLooks.computeIfPresent(id, (k, v) -> Boolean.TRUE) == null) {
            scheduler.execute(() -> resolve(id));
        }
    }

    /** Inspects {@code id} and completes its future when it is no longer running. */
    private void resolve(String id) {
        CompletableFuture<ExitResult> future = watched.get(id);
        if (future == null || future.isDone() || settling.containsKey(id)) {
            return;
        }
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(id).exec();
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                future.complete(ExitResult.failed("container " + id + " was removed while the task ran"));
            } else {
                // engine unreachable: the reconnect will inspect again
                LOG.debug("inspect of {} failed: {}", id, EngineErrors.reason(e));
            }
            return;
        }
        look(id, inspect);
    }

    /** Completes the future of {@code id} when {@code inspect} shows the container no longer running. */
    private void look(String id, InspectContainerResponse inspect) {
        CompletableFuture<ExitResult> future = watched.get(id);
        if (future == null || future.isDone()) {
            return;
        }
        InspectContainerResponse.ContainerState state = inspect.getState();
        if (state == null) {
            // nothing to tell from: the container's next event (or a reconnect) makes us look again
            LOG.debug("the engine's inspect of {} has no state", id);
            return;
        }
        if (Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
            return;
        }
        if (settling.putIfAbsent(id, Boolean.TRUE) != null) {
            return; // another look at the same exit is settling it
        }
        boolean memoryLimited = inspect.getHostConfig() != null
                && inspect.getHostConfig().getMemory() != null
                && inspect.getHostConfig().getMemory() > 0;
        oomNotices
                .settle(id, exitOf(state), memoryLimited, c -> oomLogged(c, state.getStartedAt()))
                .thenAccept(future::complete);
    }

    /** Whether the engine's event log holds an {@code oom} event of {@code id} since it started. */
    private boolean oomLogged(String id, @Nullable String startedAt) {
        Instant now = Instant.now();
        OomLogQuery query = new OomLogQuery();
        // an until in the past makes the engine answer from its log and end the stream at once
        try (OomLogQuery q = docker.eventsCmd()
                .withContainerFilter(id)
                .withEventFilter("oom")
                .withSince(Long.toString(startedSecond(startedAt, now)))
                .withUntil(now.getEpochSecond() + "." + String.format("%09d", now.getNano()))
                .exec(query)) {
            q.awaitCompletion(LOG_QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.debug("event log query for {} failed: {}", id, EngineErrors.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return query.found;
    }

    private static long startedSecond(@Nullable String startedAt, Instant now) {
        try {
            return startedAt == null
                    ? now.getEpochSecond() - 3600
                    : Instant.parse(startedAt).getEpochSecond() - 1;
        } catch (DateTimeParseException e) {
            return now.getEpochSecond() - 3600; // an hour back covers any container the grace period is about
        }
    }

    /** Collects whether an event log query returned any event. */
    private static final class OomLogQuery extends ResultCallback.Adapter<Event> {
        private volatile boolean found;

        @Override
        public void onNext(Event event) {
            found = true;
        }
    }

    static ExitResult exitOf(InspectContainerResponse.ContainerState state) {
        Long code = state.getExitCodeLong();
        String error = state.getError() == null || state.getError().isBlank() ? null : state.getError();
        return ExitResult.builder()
                .exitCode(code == null ? -1 : code.intValue())
                .oomKilled(Boolean.TRUE.equals(state.getOOMKilled()))
                .error(error)
                .build();
    }

    @Override
    public void close() {
        Closeable s;
        synchronized (lock) {
            closed = true;
            s = stream;
            stream = null;
        }
        closeQuietly(s);
    }

    private static void closeQuietly(@Nullable Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing event stream: {}", e.toString());
        }
    }
}
