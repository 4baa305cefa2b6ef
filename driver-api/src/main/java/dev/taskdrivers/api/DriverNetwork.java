package dev.taskdrivers.api;

import java.util.Map;
import java.util.Objects;

/**
 * A task's own network, as the driver knows it after start.
 *
 * @param ip the task's address (a container's bridge IP)
 * @param portMap port label to the port inside the task's network
 * @param autoAdvertise whether services should advertise {@code ip} rather than the host's address by default
 */
public record DriverNetwork(String ip, Map<String, Integer> portMap, boolean autoAdvertise) {
    public DriverNetwork {
        Objects.requireNonNull(ip, "ip");
        portMap = Map.copyOf(portMap);
    }
}
