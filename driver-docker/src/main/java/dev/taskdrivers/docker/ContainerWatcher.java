package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.taskdrivers.api.ExitResult;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns when our containers exit from one engine event stream for the whole driver, instead of one blocking wait
 * per task. When the stream breaks (engine restart), it reconnects with backoff and inspects every watched
 * container, so exits that happened while it was away are not missed.
 */
final class ContainerWatcher implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerWatcher.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    private final DockerClient docker;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<ExitResult>> watched = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Closeable stream;
    private Listener current;
    private boolean connecting;
    private boolean closed;
    private long backoffMs = MIN_BACKOFF_MS;

    ContainerWatcher(DockerClient docker, ScheduledExecutorService scheduler) {
        this.docker = docker;
        this.scheduler = scheduler;
    }

    /** The exit of container {@code id}; completes once, never exceptionally. */
    CompletableFuture<ExitResult> watch(String id) {
        CompletableFuture<ExitResult> future = watched.computeIfAbsent(id, k -> new CompletableFuture<>());
        future.whenComplete((r, e) -> watched.remove(id, future));
        ensureConnected();
        // the container may have exited before we started listening
        scheduler.execute(() -> resolve(id));
        return future;
    }

    /** Stops watching {@code id} in this process; its future stays incomplete. */
    void unwatch(String id) {
        watched.remove(id);
    }

    private void ensureConnected() {
        synchronized (lock) {
            if (closed || stream != null || connecting) {
                return;
            }
            connecting = true;
        }
        scheduler.execute(this::connect);
    }

    private void connect() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            LOG.debug("engine not answering ({}); watcher retries in {} ms", EngineErrors.reason(e), backoffMs);
            retryLater();
            return;
        }
        Listener listener = new Listener();
        Closeable opened = docker.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("die", "destroy")
                .withLabelFilter(Map.of(DockerLabels.MANAGED, "true"))
                .exec(listener);
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
            backoffMs = MIN_BACKOFF_MS;
        }
        // exits while the stream was down (engine restart) produced no event we saw
        List.copyOf(watched.keySet()).forEach(this::resolve);
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

    private void streamEnded(Listener listener, Throwable error) {
        synchronized (lock) {
            listener.ended = true;
            if (closed || listener != current) {
                return;
            }
            current = null;
            stream = null;
            connecting = true;
        }
        LOG.info("engine event stream ended ({}); reconnecting",
                error == null ? "closed by the engine" : EngineErrors.reason(error));
        retryLater();
    }

    private final class Listener extends ResultCallback.Adapter<Event> {
        private boolean ended; // guarded by lock

        @Override
        public void onNext(Event event) {
            String id = event.getId() != null ? event.getId() : event.getActor() != null ? event.getActor().getId() : null;
            if (id != null && watched.containsKey(id)) {
                scheduler.execute(() -> resolve(id));
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

    /** Inspects {@code id} and completes its future when it is no longer running. */
    private void resolve(String id) {
        CompletableFuture<ExitResult> future = watched.get(id);
        if (future == null || future.isDone()) {
            return;
        }
        try {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            if (Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
                return;
            }
            future.complete(exitOf(state));
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                future.complete(ExitResult.failed("container " + id + " was removed while the task ran"));
            } else {
                // engine unreachable: the reconnect will inspect again
                LOG.debug("inspect of {} failed: {}", id, EngineErrors.reason(e));
            }
        }
    }

    static ExitResult exitOf(InspectContainerResponse.ContainerState state) {
        Long code = state.getExitCodeLong();
        String error = state.getError() == null || state.getError().isBlank() ? null : state.getError();
        return new ExitResult(code == null ? -1 : code.intValue(), 0, Boolean.TRUE.equals(state.getOOMKilled()),
                error);
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

    private static void closeQuietly(Closeable c) {
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
