package dev.taskdrivers.runner;

import dev.taskdrivers.api.TaskId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource usage sample of one task, taken through its driver ({@code TaskHandle.stats()}).
 *
 * @param id the task
 * @param driver its driver name
 * @param state its state when sampled
 * @param timestamp when the sample was taken
 * @param usage what it used, and its limits; zeros (with the limits) when it was not measured
 * @param unmeasured why it was not measured: empty when it was; else e.g. that it is not running, or the driver's
 *        error
 */
public record TaskUsage(
        TaskId id,
        String driver,
        TaskState state,
        Instant timestamp,
        ResourceUsage usage,
        Optional<String> unmeasured) {
    public TaskUsage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(unmeasured, "unmeasured");
    }

    /** Whether the driver measured the task. */
    public boolean measured() {
        return unmeasured.isEmpty();
    }
}
