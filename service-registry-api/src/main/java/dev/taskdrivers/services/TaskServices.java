package dev.taskdrivers.services;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a registry needs to advertise one running task's services.
 *
 * @param taskId the task
 * @param services its services
 * @param hostIp the host address for {@link AddressMode#HOST}
 * @param ports the task's host ports, then those of its group's network granted to other tasks of its allocation,
 *     which its services may name too (as in Nomad)
 * @param network the driver's network, when it has one; its port map also holds the owners' entries for the
 *     group network's ports of other tasks
 * @param handle the running task, for script checks; may be {@code null} when no script check needs it
 */
public record TaskServices(
        TaskId taskId,
        List<ServiceSpec> services,
        String hostIp,
        List<Port> ports,
        Optional<DriverNetwork> network,
        @Nullable TaskHandle handle) {
    public TaskServices {
        Objects.requireNonNull(taskId, "taskId");
        services = List.copyOf(services);
        Objects.requireNonNull(hostIp, "hostIp");
        ports = List.copyOf(ports);
        Objects.requireNonNull(network, "network");
    }
}
