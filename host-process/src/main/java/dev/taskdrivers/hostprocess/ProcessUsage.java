package dev.taskdrivers.hostprocess;

import dev.taskdrivers.api.TaskStats;
import java.time.Instant;

/**
 * What a process, or all processes of a task, used at one moment.
 *
 * @param timestamp when it was sampled
 * @param rssBytes resident memory
 * @param cpuNanos user plus system cpu time since the processes started
 * @param cpuPercent cpu used since the previous sample, 100 per fully used core; 0 for a first sample
 */
public record ProcessUsage(Instant timestamp, long rssBytes, long cpuNanos, double cpuPercent) {

    /** This usage as a driver reports it from {@code TaskHandle.stats()}. */
    public TaskStats toTaskStats() {
        return TaskStats.builder()
                .timestamp(timestamp)
                .memoryRssBytes(rssBytes)
                .cpuTotalNanos(cpuNanos)
                .cpuPercent(cpuPercent)
                .build();
    }
}
