package dev.taskdrivers.services;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import java.util.List;
import java.util.Map;
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
 * @param portTo the {@code to} of those {@code ports} that have one, by label: the driver's port map entry for the
 *     task's own, the owner's for another task's; {@link AddressMode#ALLOC} advertises it, also when the task itself
 *     has no driver network
 */
public record TaskServices(
        TaskId taskId,
        List<ServiceSpec> services,
        String hostIp,
        List<Port> ports,
        Optional<DriverNetwork> network,
        @Nullable TaskHandle handle,
        Map<String, Integer> portTo) {
    public TaskServices {
        Objects.requireNonNull(taskId, "taskId");
        services = List.copyOf(services);
        Objects.requireNonNull(hostIp, "hostIp");
        ports = List.copyOf(ports);
        Objects.requireNonNull(network, "network");
        portTo = Map.copyOf(portTo);
    }

    /** A task whose ports' {@code to} are the driver network's port map entries, if it has a driver network. */
    public TaskServices(
            TaskId taskId,
            List<ServiceSpec> services,
            String hostIp,
            List<Port> ports,
            Optional<DriverNetwork> network,
            @Nullable TaskHandle handle) {
        this(
                taskId,
                services,
                hostIp,
                ports,
                network,
                handle,
                network.map(DriverNetwork::portMap).orElse(Map.of()));
    }
}
