package dev.taskdrivers.consul;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.ServiceSpec;
import java.util.List;
import java.util.Objects;

/**
 * Services the embedding process advertises for itself (an HTTP API, a metrics endpoint), removed on close.
 * Script checks are not possible here: there is no task to exec in.
 *
 * @param agentName a name for this process, part of the service IDs; letters, digits, '_', '.', '-'
 * @param services the services
 * @param hostIp the address they are reached on
 * @param ports the ports their port labels refer to
 */
public record AgentServices(String agentName, List<ServiceSpec> services, String hostIp, List<Port> ports) {
    public AgentServices {
        if (!TaskId.isSafe(agentName)) {
            throw new IllegalArgumentException(
                    "agentName must be 1-128 letters, digits, '_', '.', '-': '" + agentName + "'");
        }
        services = List.copyOf(services);
        Objects.requireNonNull(hostIp, "hostIp");
        ports = List.copyOf(ports);
    }
}
