package dev.taskdrivers.api;

import java.time.Instant;

/**
 * A resource usage sample of a task.
 *
 * @param timestamp when it was taken
 * @param memoryRssBytes resident memory
 * @param cpuTotalNanos cpu time used since start, user plus system
 * @param cpuPercent cpu use since the previous sample, 100 per core; 0 on the first sample
 * @param throttledPeriods cpu periods throttled by the limit, when the driver knows it, else 0
 */
public record TaskStats(Instant timestamp, long memoryRssBytes, long cpuTotalNanos, double cpuPercent,
        long throttledPeriods) {
}
