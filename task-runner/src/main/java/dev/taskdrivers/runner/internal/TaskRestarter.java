package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.spec.RestartPolicy;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Applies a task's restart policy: decides whether a failed task starts again and after which delay, and schedules
 * that relaunch. Not thread-safe: the supervisor calls it under its lock.
 */
final class TaskRestarter {
    private final RunnerContext ctx;
    private final RestartPolicy policy;
    private RestartTracker tracker;

    TaskRestarter(RunnerContext ctx, RestartPolicy policy) {
        this.ctx = ctx;
        this.policy = policy;
        this.tracker = new RestartTracker(policy, null, 0);
    }

    /** Takes over the policy's window from a state file; a window start of 0 means none. */
    void restore(long windowStartMillis, int count) {
        tracker = new RestartTracker(
                policy, windowStartMillis == 0 ? null : Instant.ofEpochMilli(windowStartMillis), count);
    }

    /** Whether, and after which delay, the task restarts after a failure now. */
    RestartTracker.Decision onFailure() {
        return tracker.onFailure(Instant.now());
    }

    /** Runs {@code relaunch} once the decided delay has passed. */
    ScheduledFuture<?> schedule(RestartTracker.Decision decision, Runnable relaunch) {
        return ctx.scheduler().schedule(relaunch, decision.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When the policy's current window began; null before the first failure. */
    @Nullable
    Instant windowStart() {
        return tracker.windowStart();
    }

    /** The restarts counted in the current window. */
    int count() {
        return tracker.count();
    }
}
