package dev.taskdrivers.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A started task.
 *
 * @param handle controls the running task
 * @param network the task's own network address, when it has one (containers, pods)
 * @param created resources created by start, merged with those of prestart
 */
public record StartResult(TaskHandle handle, Optional<DriverNetwork> network, CreatedResources created) {
    public StartResult {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(created, "created");
    }

    public static StartResult of(TaskHandle handle) {
        return new StartResult(handle, Optional.empty(), CreatedResources.empty());
    }
}
