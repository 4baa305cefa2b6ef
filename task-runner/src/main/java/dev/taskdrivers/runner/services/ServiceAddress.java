package dev.taskdrivers.runner.services;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.PortReferences;
import dev.taskdrivers.services.TaskServices;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a service or check is reached, following its {@link AddressMode}.
 *
 * @param ip the address
 * @param port the port, 0 when the service names none
 */
public record ServiceAddress(String ip, int port) {

    /**
     * Resolves the address of a port label advertised at a custom address (Nomad's {@code address}): that address
     * with the port's host port; without a custom address, as {@link #resolve(AddressMode, String, TaskServices)}.
     *
     * @throws IllegalArgumentException when the label is unknown or {@code driver} mode has no driver network
     */
    public static ServiceAddress resolve(
            AddressMode mode, @Nullable String customAddress, @Nullable String portLabel, TaskServices task) {
        if (customAddress == null) {
            return resolve(mode, portLabel, task);
        }
        if (portLabel == null) {
            return new ServiceAddress(customAddress, 0);
        }
        return new ServiceAddress(
                customAddress, resolve(AddressMode.HOST, portLabel, task).port());
    }

    /**
     * Resolves the address of a port label; a number that no label names is that port ({@link PortReferences}).
     *
     * @param mode the address mode
     * @param portLabel the port label, or {@code null} for none
     * @param task the task
     * @throws IllegalArgumentException when the label is unknown or {@code driver} mode has no driver network
     */
    public static ServiceAddress resolve(AddressMode mode, @Nullable String portLabel, TaskServices task) {
        Optional<DriverNetwork> net = task.network();
        if (mode == AddressMode.ALLOC) {
            return allocation(portLabel, task);
        }
        boolean useDriver = switch (mode) {
            case HOST, ALLOC -> false;
            case DRIVER -> true;
            case AUTO -> net.map(DriverNetwork::autoAdvertise).orElse(false);
        };
        if (useDriver && net.isEmpty()) {
            throw new IllegalArgumentException(
                    "address_mode driver needs a driver network, but task " + task.taskId() + " has none");
        }
        if (portLabel == null) {
            return new ServiceAddress(useDriver ? net.get().ip() : task.hostIp(), 0);
        }
        Optional<Port> port =
                task.ports().stream().filter(p -> p.label().equals(portLabel)).findFirst();
        if (port.isEmpty()) {
            // as in Nomad, a number no label names is that port, at the mode's address
            int number = literal(portLabel, task);
            return new ServiceAddress(useDriver ? net.get().ip() : task.hostIp(), number);
        }
        if (useDriver) {
            return new ServiceAddress(
                    net.get().ip(),
                    net.get().portMap().getOrDefault(portLabel, port.get().value()));
        }
        return new ServiceAddress(port.get().hostIp(), port.get().value());
    }

    /**
     * The allocation's address (the host's: allocations share the host's network) with the port's {@code to} (its
     * owner's port map entry, {@link TaskServices#portTo()}), else its host port; a number that is no label is that
     * port.
     */
    private static ServiceAddress allocation(@Nullable String portLabel, TaskServices task) {
        if (portLabel == null) {
            return new ServiceAddress(task.hostIp(), 0);
        }
        Optional<Port> port =
                task.ports().stream().filter(p -> p.label().equals(portLabel)).findFirst();
        if (port.isEmpty()) {
            return new ServiceAddress(task.hostIp(), literal(portLabel, task));
        }
        Integer to = task.portTo().get(portLabel);
        return new ServiceAddress(task.hostIp(), to != null ? to : port.get().value());
    }

    /** The port number a label that names no port stands for. */
    private static int literal(String portLabel, TaskServices task) {
        return PortReferences.literalPort(portLabel)
                .orElseThrow(() ->
                        new IllegalArgumentException("task " + task.taskId() + " has no port labelled " + portLabel));
    }
}
