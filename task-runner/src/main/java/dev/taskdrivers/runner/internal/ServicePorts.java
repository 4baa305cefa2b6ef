package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The ports a task's services and checks may name, as in Nomad: the task's own, and the ports of the group's network
 * granted to its siblings (a port of its own with the same label wins). A sibling's port is advertised as its owner
 * would: its host address and host port, in {@code driver} mode the task's driver address with the owner's port map
 * entry for it (its {@code to}), and in {@code alloc} mode the allocation's address with that {@code to}, also when
 * the task itself has no driver network.
 *
 * @param ports the task's ports, then its siblings' group ports
 * @param siblingsPortMap the owners' port map entries of those sibling ports that have one
 */
record ServicePorts(List<Port> ports, Map<String, Integer> siblingsPortMap) {
    static final ServicePorts NONE = new ServicePorts(List.of(), Map.of());

    ServicePorts {
        ports = List.copyOf(ports);
        siblingsPortMap = Map.copyOf(siblingsPortMap);
    }

    /** A group network's port granted to a sibling, with the sibling's port map entry for it, or null. */
    record Shared(Port port, @Nullable Integer to) {}

    /** The task's own {@code ports} and its siblings' {@code shared} ports whose label it does not have. */
    static ServicePorts of(List<Port> own, List<Shared> shared) {
        if (shared.isEmpty()) {
            return new ServicePorts(own, Map.of());
        }
        Set<String> labels = new HashSet<>();
        own.forEach(p -> labels.add(p.label()));
        List<Port> ports = new ArrayList<>(own);
        Map<String, Integer> portMap = new LinkedHashMap<>();
        for (Shared s : shared) {
            if (labels.add(s.port().label())) {
                ports.add(s.port());
                if (s.to() != null) {
                    portMap.put(s.port().label(), s.to());
                }
            }
        }
        return new ServicePorts(ports, portMap);
    }

    /** The task's driver network with the siblings' port map entries added (its own entries win); none stays none. */
    Optional<DriverNetwork> network(Optional<DriverNetwork> own) {
        if (siblingsPortMap.isEmpty() || own.isEmpty()) {
            return own;
        }
        Map<String, Integer> merged = new LinkedHashMap<>(siblingsPortMap);
        merged.putAll(own.get().portMap());
        return Optional.of(own.get().toBuilder().portMap(merged).build());
    }

    /** The {@code to} of each port that has one: the task's driver network's entries, then the siblings' owners'. */
    Map<String, Integer> portTo(Optional<DriverNetwork> own) {
        Map<String, Integer> to = new LinkedHashMap<>(siblingsPortMap);
        own.ifPresent(n -> to.putAll(n.portMap()));
        return to;
    }
}
