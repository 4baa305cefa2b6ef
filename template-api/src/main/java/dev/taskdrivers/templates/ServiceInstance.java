package dev.taskdrivers.templates;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One instance of a service, as {@code service} hands it to a template ({@code .ID}, {@code .Name},
 * {@code .Address}, {@code .Port}, {@code .Tags}, {@code .Node}, {@code .Status}, {@code .ServiceMeta}).
 *
 * @param id the instance's ID
 * @param name the service's name
 * @param node the node that runs it
 * @param address its address (the node's when the service has none)
 * @param port its port
 * @param tags its tags
 * @param status the aggregate health of its checks: passing, warning, critical or maintenance (see
 *     {@link ServiceHealth})
 * @param meta its metadata
 */
public record ServiceInstance(
        String id,
        String name,
        String node,
        String address,
        int port,
        List<String> tags,
        String status,
        Map<String, String> meta) {
    public ServiceInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
        tags = List.copyOf(tags);
        Objects.requireNonNull(status, "status");
        meta = Map.copyOf(meta);
    }

    /** A passing instance on node {@code local} without tags or metadata. */
    public static ServiceInstance passing(String id, String name, String address, int port) {
        return new ServiceInstance(id, name, "local", address, port, List.of(), "passing", Map.of());
    }
}
