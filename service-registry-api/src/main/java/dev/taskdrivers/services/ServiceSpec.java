package dev.taskdrivers.services;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service a task advertises, as written in the task spec.
 *
 * @param name the service name
 * @param tags its tags
 * @param portLabel the task port it advertises, or {@code null} for none
 * @param addressMode which address to advertise
 * @param meta service metadata
 * @param checks its health checks
 */
public record ServiceSpec(String name, List<String> tags, String portLabel, AddressMode addressMode,
        Map<String, String> meta, List<CheckSpec> checks) {
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags == null ? List.of() : tags);
        addressMode = addressMode == null ? AddressMode.AUTO : addressMode;
        meta = Map.copyOf(meta == null ? Map.of() : meta);
        checks = List.copyOf(checks == null ? List.of() : checks);
    }
}
