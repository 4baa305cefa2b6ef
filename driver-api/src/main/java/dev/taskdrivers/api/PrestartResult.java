package dev.taskdrivers.api;

import java.util.Map;
import java.util.Objects;

/**
 * What prestart prepared.
 *
 * @param created resources to remove at cleanup (images, directories)
 * @param portMap port label to the port the task listens on inside its network (Docker's {@code port_map});
 *        labels absent here listen on the host port itself
 * @param envOverrides environment values as the task sees them, which win over the runner's, e.g.
 *        {@code NOMAD_TASK_DIR=/local} inside a container
 */
public record PrestartResult(CreatedResources created, Map<String, Integer> portMap, Map<String, String> envOverrides) {
    public PrestartResult {
        Objects.requireNonNull(created, "created");
        portMap = Map.copyOf(portMap);
        envOverrides = Map.copyOf(envOverrides);
    }

    public PrestartResult(CreatedResources created, Map<String, Integer> portMap) {
        this(created, portMap, Map.of());
    }

    public static PrestartResult empty() {
        return new PrestartResult(CreatedResources.empty(), Map.of(), Map.of());
    }
}
