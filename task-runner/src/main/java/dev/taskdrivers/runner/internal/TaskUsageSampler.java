package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.runner.ResourceUsage;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskUsage;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Turns a driver's {@link TaskStats} of one task into the runner's {@link TaskUsage}, with the task's limits. */
final class TaskUsageSampler {
    private static final long MIB = 1024L * 1024;

    private TaskUsageSampler() {}

    /** Samples the running task through {@code handle}; a task without one, or a failing driver, is unmeasured. */
    static TaskUsage sample(TaskId id, TaskSpec spec, TaskState state, @Nullable TaskHandle handle) {
        long cpuLimit = spec.cpu();
        long memoryLimit = spec.memoryMb() * MIB;
        if (handle == null) {
            return new TaskUsage(
                    id,
                    spec.driver(),
                    state,
                    Instant.now(),
                    ResourceUsage.unused(cpuLimit, memoryLimit),
                    Optional.of("not running (" + state.name().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
        try {
            TaskStats s = Boundary.driver(spec.driver(), "stats", handle::stats);
            if (s == null) {
                throw Boundary.unexpected(spec.driver(), "stats", new NullPointerException("no stats"));
            }
            ResourceUsage usage = new ResourceUsage(
                    s.cpuPercent(),
                    CpuClock.ticks(s.cpuPercent()),
                    s.cpuTotalNanos(),
                    s.throttledPeriods(),
                    s.memoryRssBytes(),
                    s.memoryCacheBytes(),
                    s.memorySwapBytes(),
                    cpuLimit,
                    memoryLimit);
            return new TaskUsage(id, spec.driver(), state, s.timestamp(), usage, Optional.empty());
        } catch (DriverException e) {
            return new TaskUsage(
                    id,
                    spec.driver(),
                    state,
                    Instant.now(),
                    ResourceUsage.unused(cpuLimit, memoryLimit),
                    Optional.of("driver " + spec.driver() + " could not sample it: " + e.getMessage()));
        }
    }
}
