package dev.taskdrivers.runner;

import java.util.Map;

/**
 * A snapshot of one allocation.
 *
 * @param allocId its id
 * @param allocName {@code job.group[index]}
 * @param tasks each task's status by task name, in spec order
 * @param finished whether every task is dead and cleaned up
 * @param failed whether any task failed
 */
public record AllocationStatus(
        String allocId, String allocName, Map<String, TaskStatus> tasks, boolean finished, boolean failed) {
    public AllocationStatus {
        tasks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tasks));
    }
}
