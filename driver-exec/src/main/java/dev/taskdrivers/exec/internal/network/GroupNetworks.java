package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, finds and destroys the network namespaces of allocations in {@code bridge} network mode (see the package
 * description). Everything is read back from the kernel (namespaces, links, rules), so a restarted runner finds what
 * an earlier one made; changes are made under a lock file shared by every runner of the host, so concurrent
 * allocations never get the same address. The bridge {@value BridgeSubnet#BRIDGE}, its address and the shared NAT and
 * forwarding rules are made on first use and stay, as docker's {@code docker0} does.
 */
public final class GroupNetworks {
    private static final Logger LOG = LoggerFactory.getLogger(GroupNetworks.class);

    private final Function<TaskConfig, Map<String, Integer>> portMapOf;

    /**
     * @param portMapOf a task's {@code port_map}: port label to the port inside the namespace (else the host port's
     *        number)
     */
    public GroupNetworks(Function<TaskConfig, Map<String, Integer>> portMapOf) {
        this.portMapOf = portMapOf;
    }

    /**
     * Creates the allocation's namespace with its port forwards, or returns the one it has (forwards made again); the
     * forwards are recorded (see {@code ForwardsFile}) for {@link #find}.
     */
    public GroupNetwork create(GroupNetworkRequest request) {
        String name = GroupNamespace.nameFor(request.allocId());
        List<PortForwards.Forward> forwards = forwards(request);
        return HostLock.locked(() -> {
            Optional<String> address = addressOf(name);
            if (address.isEmpty() && Files.exists(GroupNamespace.path(name))) {
                LOG.info("removing the incomplete network namespace {} of allocation {}", name, request.allocId());
                remove(name);
            }
            HostBridge.ensure();
            boolean made = address.isEmpty();
            try {
                if (made) {
                    address = Optional.of(makeNamespace(name, freeNumber()));
                }
                // recorded first: a runner stopped while adding the rules leaves what the next one needs to finish
                ForwardsFile.write(name, forwards);
                PortForwards.remove(name);
                PortForwards.add(name, address.orElseThrow(), forwards);
            } catch (RuntimeException e) {
                if (made) {
                    removeQuietly(name);
                }
                throw e;
            }
            LOG.info(
                    "network namespace {} at {} for allocation {} ({} port(s) forwarded)",
                    name,
                    address.orElseThrow(),
                    request.allocId(),
                    forwards.size());
            return network(name);
        });
    }

    /**
     * Refuses a {@code port_map} of a task outside a bridge group (validation cannot tell: the group's network adds
     * the task's {@code network_mode} only when it runs).
     *
     * @throws ValidationException naming {@code config.port_map}
     */
    public static void requireNamespaceForPortMap(Optional<String> namespace, Map<String, Integer> portMap) {
        if (namespace.isEmpty() && !portMap.isEmpty()) {
            throw new ValidationException(List.of(new ValidationProblem(
                    "config.port_map",
                    "maps ports into the group's network namespace: only for a task of a group in network mode"
                            + " \"bridge\"")));
        }
    }

    /**
     * What a task in namespace {@code namespace} tells of its network: the namespace's address and the task's
     * {@code port_map} (services in {@code address_mode = "driver"} advertise them), not advertised by default, as
     * docker's bridge; empty for a task on the host's network.
     */
    public static Optional<DriverNetwork> driverNetwork(Optional<String> namespace, Map<String, Integer> portMap) {
        return namespace
                .flatMap(GroupNetworks::addressOf)
                .map(address -> DriverNetwork.builder()
                        .ip(address)
                        .portMap(portMap)
                        .autoAdvertise(false)
                        .build());
    }

    /**
     * The allocation's namespace, when it has a complete one, with the port forwards a runner stopped while making
     * them did not add: only those are added, the others are left alone (the connections of running tasks go on).
     */
    public Optional<GroupNetwork> find(String allocId) {
        String name = GroupNamespace.nameFor(allocId);
        return HostLock.locked(() -> addressOf(name).map(address -> {
            ForwardsFile.read(name).ifPresent(forwards -> {
                int added = PortForwards.restoreMissing(name, address, forwards);
                if (added > 0) {
                    LOG.info(
                            "network namespace {} of allocation {}: {} missing port forward rule(s) added again",
                            name,
                            allocId,
                            added);
                }
            });
            return network(name);
        }));
    }

    /** Removes the allocation's port forwards and their record, veth pair and namespace; none left is no error. */
    public void destroy(String allocId) {
        String name = GroupNamespace.nameFor(allocId);
        HostLock.locked(() -> {
            remove(name);
            return null;
        });
    }

    /** The address of namespace {@code name}, empty when there is no namespace or it has none (made halfway). */
    static Optional<String> addressOf(String name) {
        if (!Files.exists(GroupNamespace.path(name))) {
            return Optional.empty();
        }
        HostCommand.Result r =
                HostCommand.attempt(List.of("ip", "-n", name, "-o", "-4", "addr", "show", "dev", "eth0"));
        if (!r.ok()) {
            return Optional.empty();
        }
        for (String token : r.stdout().split("\\s+")) {
            int slash = token.indexOf('/');
            if (slash > 0 && BridgeSubnet.number(token.substring(0, slash)).isPresent()) {
                return Optional.of(token.substring(0, slash));
            }
        }
        return Optional.empty();
    }

    private static void remove(String name) {
        PortForwards.remove(name);
        ForwardsFile.delete(name);
        OptionalInt number = addressOf(name).map(BridgeSubnet::number).orElse(OptionalInt.empty());
        if (number.isPresent()) {
            // the pair goes with its host end, even while a process still holds the namespace
            HostCommand.Result r =
                    HostCommand.attempt(List.of("ip", "link", "del", BridgeSubnet.veth(number.getAsInt())));
            if (!r.ok() && HostBridge.linkExists(BridgeSubnet.veth(number.getAsInt()))) {
                HostCommand.run(List.of("ip", "link", "del", BridgeSubnet.veth(number.getAsInt())));
            }
        }
        if (Files.exists(GroupNamespace.path(name))) {
            HostCommand.run(List.of("ip", "netns", "delete", name));
            LOG.info("removed network namespace {}", name);
        }
    }

    private static void removeQuietly(String name) {
        try {
            remove(name);
        } catch (RuntimeException e) {
            LOG.warn("could not remove network namespace {} after its set-up failed: {}", name, e.getMessage());
        }
    }

    /** Makes namespace {@code name} with address number {@code n}, its veth pair on the bridge and its routes. */
    private static String makeNamespace(String name, int n) {
        String address = BridgeSubnet.address(n);
        String veth = BridgeSubnet.veth(n);
        HostCommand.run(List.of("ip", "netns", "add", name));
        HostCommand.run(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name));
        HostCommand.run(List.of("ip", "link", "set", veth, "master", BridgeSubnet.BRIDGE, "up"));
        HostCommand.run(
                List.of("ip", "-n", name, "addr", "add", address + "/" + BridgeSubnet.PREFIX_LENGTH, "dev", "eth0"));
        HostCommand.run(List.of("ip", "-n", name, "link", "set", "eth0", "up"));
        HostCommand.run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        HostCommand.run(List.of("ip", "-n", name, "route", "add", "default", "via", BridgeSubnet.GATEWAY));
        return address;
    }

    /** The lowest address number no host veth of ours holds. */
    private static int freeNumber() {
        Set<Integer> used = new HashSet<>();
        for (String link : HostBridge.linkNames()) {
            BridgeSubnet.vethNumber(link).ifPresent(used::add);
        }
        for (int n = BridgeSubnet.FIRST; n <= BridgeSubnet.LAST; n++) {
            if (!used.contains(n)) {
                return n;
            }
        }
        throw new DriverException(ErrorCode.EXTERNAL, true, "every address of " + BridgeSubnet.CIDR + " is in use");
    }

    /** Each granted host port of the allocation, to the task's {@code port_map} port (else the same number). */
    private List<PortForwards.Forward> forwards(GroupNetworkRequest request) {
        Map<String, PortForwards.Forward> byHostPort = new LinkedHashMap<>();
        for (TaskConfig task : request.tasks()) {
            Map<String, Integer> portMap = portMapOf.apply(task);
            for (Port port : task.resources().ports()) {
                byHostPort.putIfAbsent(
                        port.hostIp() + ":" + port.value(),
                        new PortForwards.Forward(
                                port.hostIp(), port.value(), portMap.getOrDefault(port.label(), port.value())));
            }
        }
        return List.copyOf(byHostPort.values());
    }

    private static GroupNetwork network(String name) {
        return GroupNetwork.builder(name)
                .taskOption(GroupNamespace.OPTION, GroupNamespace.mode(name))
                .build();
    }
}
