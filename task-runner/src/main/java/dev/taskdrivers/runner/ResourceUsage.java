package dev.taskdrivers.runner;

/**
 * What a task, or the tasks of an allocation together, used at one moment, next to the limits they were given.
 * Measures a driver does not report are 0 (e.g. {@code raw_exec} reports no page cache or swap: its tasks have no
 * cgroup of their own).
 *
 * @param cpuPercent cpu used since the previous sample, 100 per fully used core; 0 on a task's first sample
 * @param cpuTicks the same use in MHz of this host's cores ({@code cpuPercent / 100} times one core's clock), the unit
 *        of {@code resources.cpu}; 0 when the host does not tell its clock rate
 * @param cpuTotalNanos user plus system cpu time since the task started
 * @param throttledPeriods cpu periods throttled by the limit, when the driver knows them
 * @param memoryRssBytes resident memory
 * @param memoryCacheBytes page cache charged to the task
 * @param memorySwapBytes swap used
 * @param cpuLimitMhz the cpu share the task was given ({@code resources.cpu})
 * @param memoryLimitBytes the memory the task was given ({@code resources.memory_mb}, in bytes)
 */
public record ResourceUsage(
        double cpuPercent,
        double cpuTicks,
        long cpuTotalNanos,
        long throttledPeriods,
        long memoryRssBytes,
        long memoryCacheBytes,
        long memorySwapBytes,
        long cpuLimitMhz,
        long memoryLimitBytes) {

    /** Nothing used and no limits. */
    public static final ResourceUsage NONE = new ResourceUsage(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * Nothing used, within the given limits: a task that is not running.
     *
     * @param cpuLimitMhz the cpu share
     * @param memoryLimitBytes the memory limit
     * @return a usage of zeros with these limits
     */
    public static ResourceUsage unused(long cpuLimitMhz, long memoryLimitBytes) {
        return new ResourceUsage(0, 0, 0, 0, 0, 0, 0, cpuLimitMhz, memoryLimitBytes);
    }

    /**
     * The sum of both, measures and limits alike: what two tasks use and were given together.
     *
     * @param other another usage
     * @return a new usage
     */
    public ResourceUsage plus(ResourceUsage other) {
        return new ResourceUsage(
                cpuPercent + other.cpuPercent,
                cpuTicks + other.cpuTicks,
                cpuTotalNanos + other.cpuTotalNanos,
                throttledPeriods + other.throttledPeriods,
                memoryRssBytes + other.memoryRssBytes,
                memoryCacheBytes + other.memoryCacheBytes,
                memorySwapBytes + other.memorySwapBytes,
                cpuLimitMhz + other.cpuLimitMhz,
                memoryLimitBytes + other.memoryLimitBytes);
    }
}
