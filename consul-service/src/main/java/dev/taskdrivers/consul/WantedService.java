package dev.taskdrivers.consul;

import dev.taskdrivers.consul.internal.ServiceIds;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A service as it should be in Consul, with its resolved address and checks.
 *
 * @param id its ID (see {@link ServiceIds})
 * @param name the service name
 * @param tags its tags
 * @param address the advertised address, or {@code null} for the agent's
 * @param port the advertised port, or 0 for none
 * @param meta its metadata
 * @param checks its checks
 */
record WantedService(
        String id,
        String name,
        List<String> tags,
        @Nullable String address,
        int port,
        Map<String, String> meta,
        List<WantedCheck> checks) {

    WantedService {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
        checks = List.copyOf(checks);
    }

    Set<String> checkIds() {
        return checks.stream().map(WantedCheck::id).collect(Collectors.toSet());
    }
}
