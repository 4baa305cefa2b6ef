package dev.taskdrivers.runner;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resource usage sample of every task of one allocation, and their sum. Returned by
 * {@link AllocationHandle#stats()}.
 *
 * @param allocId the allocation's id
 * @param allocName {@code job.group[index]}
 * @param timestamp when the sample was taken (its tasks' samples are taken one after the other, just before)
 * @param tasks each task's sample by task name, in spec order
 * @param total the sum of the tasks' usage and limits
 */
public record AllocationUsage(
        String allocId, String allocName, Instant timestamp, Map<String, TaskUsage> tasks, ResourceUsage total) {
    public AllocationUsage {
        tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /**
     * The tasks' samples with their sum as total.
     *
     * @param allocId the allocation's id
     * @param allocName {@code job.group[index]}
     * @param tasks each task's sample by task name
     * @return the allocation's sample, stamped now
     */
    public static AllocationUsage of(String allocId, String allocName, Map<String, TaskUsage> tasks) {
        ResourceUsage total = ResourceUsage.NONE;
        for (TaskUsage t : tasks.values()) {
            total = total.plus(t.usage());
        }
        return new AllocationUsage(allocId, allocName, Instant.now(), tasks, total);
    }
}
