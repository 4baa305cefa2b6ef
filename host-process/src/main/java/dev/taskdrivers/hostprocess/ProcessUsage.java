package dev.taskdrivers.hostprocess;

import java.time.Instant;

/**
 * What a process, or all processes of a task, used at one moment.
 *
 * @param timestamp when it was sampled
 * @param rssBytes resident memory
 * @param cpuNanos user plus system cpu time since the processes started
 * @param cpuPercent cpu used since the previous sample, 100 per fully used core; 0 for a first sample
 */
public record ProcessUsage(Instant timestamp, long rssBytes, long cpuNanos, double cpuPercent) {}
