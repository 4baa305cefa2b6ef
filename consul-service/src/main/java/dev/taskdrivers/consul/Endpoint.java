package dev.taskdrivers.consul;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.PortReferences;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An address and port to advertise or check.
 *
 * @param ip the address
 * @param port the port, 0 when none
 */
record Endpoint(String ip, int port) {

    String hostPort() {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    /**
     * Where a port label is reached in an address mode, or at a custom {@code address} (with the port's host port,
     * as Nomad advertises it); the problem text when it cannot be.
     */
    static Resolved resolve(
            AddressMode mode,
            @Nullable String address,
            @Nullable String label,
            String hostIp,
            List<Port> ports,
            Optional<DriverNetwork> network,
            Map<String, Integer> portTo) {
        if (address != null) {
            if (label == null) {
                return Resolved.of(new Endpoint(address, 0));
            }
            Resolved onHost = resolve(AddressMode.HOST, null, label, hostIp, ports, network, portTo);
            return onHost.problem() != null
                    ? onHost
                    : Resolved.of(new Endpoint(address, onHost.found().port()));
        }
        if (mode == AddressMode.ALLOC) {
            return allocation(label, hostIp, ports, portTo);
        }
        boolean driver = switch (mode) {
            case DRIVER -> true;
            case HOST, ALLOC -> false;
            case AUTO -> network.map(DriverNetwork::autoAdvertise).orElse(false);
        };
        if (driver) {
            if (network.isEmpty()) {
                return Resolved.problem(
                        "address_mode driver needs a driver network, and this task's driver " + "reported none");
            }
            DriverNetwork net = network.get();
            if (label == null) {
                return Resolved.of(new Endpoint(net.ip(), 0));
            }
            Integer mapped = net.portMap().get(label);
            if (mapped != null) {
                return Resolved.of(new Endpoint(net.ip(), mapped));
            }
            if (isPortNumber(label)) {
                return Resolved.of(new Endpoint(net.ip(), Integer.parseInt(label)));
            }
            return Resolved.problem("port \"" + label + "\" is not in the driver's port map "
                    + net.portMap().keySet());
        }
        if (label == null) {
            return Resolved.of(new Endpoint(hostIp, 0));
        }
        for (Port p : ports) {
            if (p.label().equals(label)) {
                return Resolved.of(new Endpoint(p.hostIp(), p.value()));
            }
        }
        // as in Nomad, a number no label names is that port on the host
        if (isPortNumber(label)) {
            return Resolved.of(new Endpoint(hostIp, Integer.parseInt(label)));
        }
        return Resolved.problem("unknown port label \"" + label + "\"");
    }

    /**
     * Nomad's {@code alloc} mode: the allocation's address, which is the host's (allocations share the host's
     * network), with the port's {@code to} (its owner's port map entry), else its host port; a number that is no
     * label is that port.
     */
    private static Resolved allocation(
            @Nullable String label, String hostIp, List<Port> ports, Map<String, Integer> portTo) {
        if (label == null) {
            return Resolved.of(new Endpoint(hostIp, 0));
        }
        for (Port p : ports) {
            if (p.label().equals(label)) {
                Integer to = portTo.get(label);
                return Resolved.of(new Endpoint(hostIp, to != null ? to : p.value()));
            }
        }
        if (isPortNumber(label)) {
            return Resolved.of(new Endpoint(hostIp, Integer.parseInt(label)));
        }
        return Resolved.problem("unknown port label \"" + label + "\"");
    }

    private static boolean isPortNumber(String label) {
        return PortReferences.literalPort(label).isPresent();
    }

    /** An endpoint or why there is none. */
    record Resolved(@Nullable Endpoint endpoint, @Nullable String problem) {
        static Resolved of(Endpoint e) {
            return new Resolved(e, null);
        }

        static Resolved problem(String text) {
            return new Resolved(null, text);
        }

        /** The endpoint, once {@link #problem()} was seen to be {@code null}. */
        Endpoint found() {
            if (endpoint == null) {
                throw new IllegalStateException("no endpoint: " + problem);
            }
            return endpoint;
        }
    }
}
