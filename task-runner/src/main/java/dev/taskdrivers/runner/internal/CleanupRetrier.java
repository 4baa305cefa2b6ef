package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a cleanup, retrying it after each recoverable {@link DriverException} with the configured waits (by default
 * 1 s, 2 s, 3 s: four tries). A fatal error or the last failure is logged and ends the retries; the future always
 * completes normally, with whether the cleanup succeeded.
 */
final class CleanupRetrier {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupRetrier.class);

    private final RunnerContext ctx;

    CleanupRetrier(RunnerContext ctx) {
        this.ctx = ctx;
    }

    CompletableFuture<Boolean> run(String what, Runnable cleanup) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        attempt(what, cleanup, 0, done);
        return done;
    }

    private void attempt(String what, Runnable cleanup, int attempt, CompletableFuture<Boolean> done) {
        ctx.blocking().execute(() -> {
            try {
                cleanup.run();
                done.complete(true);
            } catch (DriverException e) {
                List<Duration> delays = ctx.cleanupRetryDelays();
                if (e.isRecoverable() && attempt < delays.size()) {
                    Duration wait = delays.get(attempt);
                    LOG.info(
                            "cleanup of {} failed (attempt {}), retrying in {}: {}",
                            what,
                            attempt + 1,
                            wait,
                            e.getMessage());
                    ctx.scheduler()
                            .schedule(
                                    () -> attempt(what, cleanup, attempt + 1, done),
                                    wait.toMillis(),
                                    TimeUnit.MILLISECONDS);
                } else {
                    LOG.error(
                            "cleanup of {} failed after {} attempt(s), giving up: {}",
                            what,
                            attempt + 1,
                            e.getMessage());
                    done.complete(false);
                }
            } catch (Throwable e) { // the task must still complete
                LOG.error("cleanup of {} failed unexpectedly, giving up", what, e);
                done.complete(false);
            }
        });
    }
}
