package dev.taskdrivers.runner;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one allocation.
 *
 * @param allocId its id
 * @param allocName {@code job.group[index]}
 * @param tasks each task's status by task name, in spec order
 * @param finished whether every task is dead and cleaned up
 * @param failed whether any task failed
 * @param description why the allocation ended other than by its tasks, as Nomad's client description, e.g.
 *        {@code allocation exceeded max_run_duration of 5s} when its group's
 *        {@link dev.taskdrivers.runner.spec.GroupSpec#maxRunDuration() max_run_duration} stopped it (its tasks were
 *        killed, so it is complete, not failed); empty otherwise
 */
public record AllocationStatus(
        String allocId,
        String allocName,
        Map<String, TaskStatus> tasks,
        boolean finished,
        boolean failed,
        Optional<String> description) {
    public AllocationStatus {
        tasks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tasks));
        Objects.requireNonNull(description, "description");
    }

    /** A snapshot without a description. */
    public AllocationStatus(
            String allocId, String allocName, Map<String, TaskStatus> tasks, boolean finished, boolean failed) {
        this(allocId, allocName, tasks, finished, failed, Optional.empty());
    }
}
