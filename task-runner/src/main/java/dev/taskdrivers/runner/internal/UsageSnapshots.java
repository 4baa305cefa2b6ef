package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.internal.state.UsageFile;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the usage of every allocation with a running task on an interval and keeps the latest sample in its state
 * directory ({@link UsageFile}), so a process that does not run the tasks can show it. Sampling runs on the blocking
 * pool (docker asks its engine); a round still running when the next is due is not doubled.
 */
public final class UsageSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSnapshots.class);

    private final RunnerContext ctx;
    private final Supplier<Collection<AllocationRunner>> allocations;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private final ScheduledFuture<?> schedule;

    private UsageSnapshots(RunnerContext ctx, Supplier<Collection<AllocationRunner>> allocations, Duration interval) {
        this.ctx = ctx;
        this.allocations = allocations;
        this.schedule = ctx.scheduler()
                .scheduleWithFixedDelay(this::due, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts sampling every {@code interval}. */
    public static UsageSnapshots every(
            Duration interval, RunnerContext ctx, Supplier<Collection<AllocationRunner>> allocations) {
        return new UsageSnapshots(ctx, allocations, interval);
    }

    private void due() {
        if (sampling.compareAndSet(false, true)) {
            try {
                ctx.blocking().execute(this::sampleAll);
            } catch (RuntimeException e) { // the pool is shutting down
                sampling.set(false);
            }
        }
    }

    private void sampleAll() {
        try {
            for (AllocationRunner alloc : allocations.get()) {
                if (!alloc.isFinished()
                        && alloc.status().tasks().values().stream().anyMatch(t -> t.state() == TaskState.RUNNING)) {
                    UsageFile.write(ctx.store().dir(), alloc.stats());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot keep a usage snapshot: {}", e.toString());
        } finally {
            sampling.set(false);
        }
    }

    /** Stops sampling. */
    public void stop() {
        schedule.cancel(false);
    }
}
