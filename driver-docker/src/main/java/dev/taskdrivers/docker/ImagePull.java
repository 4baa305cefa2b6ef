package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of one image, shared by every task that wants the image while it runs. Reports progress to all of
 * their emitters at a bounded rate and ends the pull when it makes no progress for the activity timeout or runs
 * past its total timeout.
 *
 * <p>Every event reaches a task before the pull's result is completed, so a task has all of its pull's events by
 * the time its prestart returns; no event is delivered once the pull has ended.
 */
final class ImagePull {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePull.class);

    private final DockerClient docker;
    private final ImageRef ref;
    private final @Nullable RegistryCredentials credentials;
    private final Duration activityTimeout;
    private final Duration totalTimeout;
    private final Duration progressInterval;
    private final ScheduledExecutorService scheduler;
    /** Guards {@link #emitters} and {@link #ended}: events are delivered while holding it. */
    private final Object delivery = new Object();

    private final List<EventEmitter> emitters = new ArrayList<>();
    private boolean ended;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final PullProgress progress = new PullProgress();
    private final Object lock = new Object();

    private volatile @Nullable String engineError;
    private long startedNanos;
    private long lastProgressNanos;
    private long lastEventNanos;
    private ResultCallback.@Nullable Adapter<PullResponseItem> callback;
    private @Nullable ScheduledFuture<?> watchdog;

    ImagePull(
            DockerClient docker,
            ImageRef ref,
            @Nullable RegistryCredentials credentials,
            Duration activityTimeout,
            Duration totalTimeout,
            Duration progressInterval,
            ScheduledExecutorService scheduler) {
        this.docker = docker;
        this.ref = ref;
        this.credentials = credentials;
        this.activityTimeout = activityTimeout;
        this.totalTimeout = totalTimeout;
        this.progressInterval = progressInterval;
        this.scheduler = scheduler;
    }

    /** Completes with the image id, or exceptionally with a {@link DriverException}. */
    CompletableFuture<String> result() {
        return result;
    }

    /** Adds a task's emitter; it gets the progress from now on, until the pull ends. */
    void addListener(EventEmitter emitter) {
        synchronized (delivery) {
            if (!ended) {
                emitters.add(emitter);
            }
        }
    }

    /** A task stopped waiting (its own timeout): it gets no more events. */
    void removeListener(EventEmitter emitter) {
        synchronized (delivery) {
            emitters.remove(emitter);
        }
    }

    void start() {
        long now = System.nanoTime();
        synchronized (lock) {
            startedNanos = now;
            lastProgressNanos = now;
            lastEventNanos = now;
        }
        emit("Downloading image " + ref.canonical(), Map.of("image", ref.canonical()));
        LOG.info("pulling image {}", ref.canonical());
        var cmd = docker.pullImageCmd(ref.repository());
        if (ref.digest() != null) {
            cmd = docker.pullImageCmd(ref.canonical());
        } else {
            cmd.withTag(ref.tag());
        }
        if (credentials != null) {
            cmd.withAuthConfig(credentials.toAuthConfig());
        }
        long tick = Math.max(50, Math.min(1000, Math.min(activityTimeout.toMillis(), progressInterval.toMillis()) / 4));
        watchdog = scheduler.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
        try {
            callback = cmd.exec(new Callback());
            if (result.isDone()) {
                finish(); // a deadline fired before the stream was ours to close
            }
        } catch (RuntimeException e) {
            fail(EngineErrors.translate("pull image " + ref.canonical(), e));
        }
    }

    private final class Callback extends ResultCallback.Adapter<PullResponseItem> {
        @Override
        public void onNext(PullResponseItem item) {
            if (item.isErrorIndicated()) {
                engineError =
                        item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                                ? item.getErrorDetail().getMessage()
                                : item.getError();
                return;
            }
            synchronized (lock) {
                if (progress.update(item)) {
                    lastProgressNanos = System.nanoTime();
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            String reason = engineError != null ? engineError : EngineErrors.reason(throwable);
            // off the stream's thread: closing the stream there cancels it under our feet
            scheduler.execute(() -> fail(classify(reason, throwable)));
        }

        @Override
        public void onComplete() {
            scheduler.execute(ImagePull.this::streamCompleted);
        }
    }

    private void streamCompleted() {
        String error = engineError;
        if (error != null) {
            fail(classify(error, null));
            return;
        }
        if (result.isDone()) {
            return;
        }
        try {
            String id = docker.inspectImageCmd(ref.canonical()).exec().getId();
            Map<String, String> details;
            synchronized (lock) {
                details = progress.details(ref.canonical());
            }
            if (end("Downloaded image " + ref.canonical(), details)) {
                result.complete(id);
                finish();
            }
        } catch (RuntimeException e) {
            fail(DriverException.fatal(
                    ErrorCode.EXTERNAL,
                    "pull of image " + ref.canonical() + " ended but the engine does not have it: "
                            + EngineErrors.reason(e),
                    e));
        }
    }

    private DriverException classify(String reason, @Nullable Throwable cause) {
        String message = "failed to pull image " + ref.canonical() + ": " + reason;
        if (EngineErrors.meansUnauthorized(reason)) {
            return new DriverException(
                    ErrorCode.AUTHENTICATION,
                    false,
                    message
                            + (credentials == null
                                    ? " (no credentials were given for " + ref.registry() + ")"
                                    : " (credentials for " + ref.registry() + " were refused)"),
                    cause);
        }
        if (EngineErrors.meansUnknownImage(reason)) {
            return new DriverException(ErrorCode.NOT_FOUND, false, message, cause);
        }
        boolean recoverable = cause != null && EngineErrors.isRecoverable(cause);
        return new DriverException(ErrorCode.EXTERNAL, recoverable, message, cause);
    }

    /** Runs on the scheduler: deadlines and rate-limited progress events. */
    private void check() {
        if (result.isDone()) {
            return;
        }
        long now = System.nanoTime();
        String message = null;
        Map<String, String> details = Map.of();
        DriverException timeout = null;
        synchronized (lock) {
            if (now - lastProgressNanos > activityTimeout.toNanos()) {
                timeout = DriverException.fatal(
                        ErrorCode.TIMEOUT,
                        "pull of image " + ref.canonical()
                                + " made no progress for " + describe(activityTimeout) + " (at " + progress.percent()
                                + "%, " + PullProgress.human(progress.bytesDone()) + " of "
                                + PullProgress.human(progress.bytesTotal()) + "); cancelled");
            } else if (now - startedNanos > totalTimeout.toNanos()) {
                timeout = DriverException.fatal(
                        ErrorCode.TIMEOUT,
                        "pull of image " + ref.canonical()
                                + " did not finish within image_pull_timeout " + describe(totalTimeout) + " (at "
                                + progress.percent() + "%); cancelled");
            } else if (now - lastEventNanos >= progressInterval.toNanos() && progress.layersTotal() > 0) {
                lastEventNanos = now;
                message = progress.describe(ref.canonical());
                details = progress.details(ref.canonical());
            }
        }
        if (timeout != null) {
            fail(timeout);
        } else if (message != null) {
            emit(message, details);
        }
    }

    private void fail(DriverException e) {
        // complete first: closing the stream makes it report an error of its own, which must not win
        if (!end(null, Map.of()) || !result.completeExceptionally(e)) {
            return;
        }
        finish();
        LOG.warn("{}", e.getMessage());
    }

    /** Stops the watchdog and closes the stream, which makes the engine cancel a pull still running. */
    private void finish() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (callback != null) {
            try {
                callback.close();
            } catch (IOException e) {
                LOG.debug("closing pull stream of {}: {}", ref.canonical(), e.toString());
            }
        }
    }

    /** Delivers an event to every task waiting for this pull, unless the pull has ended. */
    private void emit(String message, Map<String, String> details) {
        synchronized (delivery) {
            if (!ended) {
                deliver(message, details);
            }
        }
    }

    /**
     * Ends event delivery, after a last event when {@code message} is set. Returns false when the pull had already
     * ended. The result is completed after this, outside the lock: its callbacks take the coordinator's lock.
     */
    private boolean end(@Nullable String message, Map<String, String> details) {
        synchronized (delivery) {
            if (ended) {
                return false;
            }
            if (message != null) {
                deliver(message, details);
            }
            ended = true;
            emitters.clear();
            return true;
        }
    }

    private void deliver(String message, Map<String, String> details) {
        for (EventEmitter emitter : emitters) {
            try {
                emitter.driverEvent(message, details);
            } catch (RuntimeException e) {
                LOG.warn("event emitter failed: {}", e.toString());
            }
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
