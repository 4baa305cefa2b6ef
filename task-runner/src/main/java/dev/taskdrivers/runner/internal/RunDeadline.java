package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One allocation's {@code max_run_duration}: when it ends (counted from the allocation's start, kept in the tasks'
 * state files so a runner started later ends it at the same time), the timer that ends it and whether it was
 * reached.
 */
final class RunDeadline {
    private final Duration maxRun;
    private final Instant deadline;
    private volatile boolean expired;
    private @Nullable ScheduledFuture<?> timer;
    private boolean cancelled;

    private RunDeadline(Duration maxRun, Instant deadline, boolean expired) {
        this.maxRun = maxRun;
        this.deadline = deadline;
        this.expired = expired;
    }

    /** The deadline of an allocation starting at {@code start}; null when its group has none. */
    static @Nullable RunDeadline forNew(JobSpec job, GroupSpec group, Instant start) {
        if (job.type() != JobType.BATCH) {
            return null; // validation refuses it for other types
        }
        return group.maxRunDuration()
                .map(d -> new RunDeadline(d, start.plus(d), false))
                .orElse(null);
    }

    /** The deadline the tasks' state files kept; null when they kept none. Reached when any file says so. */
    static @Nullable RunDeadline restored(List<PersistedTask> states) {
        PersistedTask.RunDeadline kept = null;
        boolean expired = false;
        for (PersistedTask p : states) {
            if (p.runDeadline() != null) {
                kept = kept == null ? p.runDeadline() : kept;
                expired |= p.runDeadline().expired();
            }
        }
        return kept == null
                ? null
                : new RunDeadline(
                        Duration.ofMillis(kept.maxRunMillis()), Instant.ofEpochMilli(kept.deadlineMillis()), expired);
    }

    Duration maxRun() {
        return maxRun;
    }

    /** Whether the deadline is at or before {@code now}. */
    boolean due(Instant now) {
        return !now.isBefore(deadline);
    }

    /** Whether the allocation's run ended by this deadline: it expired already, or it is due at {@code now}. */
    boolean reached(Instant now) {
        return expired() || due(now);
    }

    /** Runs {@code onExpiry} on {@code scheduler} at the deadline (at once when it passed), unless cancelled first. */
    synchronized void schedule(ScheduledExecutorService scheduler, Runnable onExpiry) {
        if (cancelled || timer != null) {
            return;
        }
        arm(scheduler, onExpiry);
    }

    /**
     * The scheduler counts on its own clock, not the wall clock the deadline is on, and whole milliseconds: the delay is
     * rounded up and the deadline checked again when the timer fires, so the allocation is never ended before it.
     */
    private synchronized void arm(ScheduledExecutorService scheduler, Runnable onExpiry) {
        if (cancelled) {
            return;
        }
        long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
        long delay = (nanos + 999_999) / 1_000_000;
        timer = scheduler.schedule(
                () -> {
                    if (due(Instant.now())) {
                        onExpiry.run();
                    } else {
                        arm(scheduler, onExpiry);
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    /** Stops the timer: the allocation ended, or this runner lets go of it. */
    synchronized void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Records that the deadline ended the allocation. */
    void markExpired() {
        expired = true;
    }

    /** Whether the deadline ended the allocation. */
    boolean expired() {
        return expired;
    }

    /** The allocation's description once the deadline ended it. */
    String description() {
        return record().description();
    }

    /** The event each task still running is killed with. */
    TaskEvent killEvent() {
        return TaskEvent.of(
                TaskEventType.KILLING,
                "Task killed: allocation exceeded its max_run_duration of " + PersistedTask.RunDeadline.format(maxRun),
                Map.of("reason", "max_run_duration", "max_run_duration_ms", Long.toString(maxRun.toMillis())));
    }

    PersistedTask.RunDeadline record() {
        return new PersistedTask.RunDeadline(maxRun.toMillis(), deadline.toEpochMilli(), expired);
    }
}
