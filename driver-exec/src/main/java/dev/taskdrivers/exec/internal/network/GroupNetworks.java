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
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
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
    private static final Path LOCK_FILE = Path.of("/run/taskdrivers/group-networks.lock");
    /** The lock file is locked per process: threads of one runner take turns before that. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private static final String SHARED_COMMENT = "taskdrivers-bridge";

    private final Function<TaskConfig, Map<String, Integer>> portMapOf;

    /**
     * @param portMapOf a task's {@code port_map}: port label to the port inside the namespace (else the host port's
     *        number)
     */
    public GroupNetworks(Function<TaskConfig, Map<String, Integer>> portMapOf) {
        this.portMapOf = portMapOf;
    }

    /** Creates the allocation's namespace with its port forwards, or returns the one it has (forwards made again). */
    public GroupNetwork create(GroupNetworkRequest request) {
        String name = GroupNamespace.nameFor(request.allocId());
        List<PortForwards.Forward> forwards = forwards(request);
        return locked(() -> {
            Optional<String> address = addressOf(name);
            if (address.isEmpty() && Files.exists(GroupNamespace.path(name))) {
                LOG.info("removing the incomplete network namespace {} of allocation {}", name, request.allocId());
                remove(name);
            }
            ensureBridge();
            boolean made = address.isEmpty();
            try {
                if (made) {
                    address = Optional.of(makeNamespace(name, freeNumber()));
                }
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

    /** The allocation's namespace, when it has a complete one. */
    public Optional<GroupNetwork> find(String allocId) {
        String name = GroupNamespace.nameFor(allocId);
        return locked(() -> addressOf(name).map(a -> network(name)));
    }

    /** Removes the allocation's port forwards, veth pair and namespace; none left is no error. */
    public void destroy(String allocId) {
        String name = GroupNamespace.nameFor(allocId);
        locked(() -> {
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
        OptionalInt number = addressOf(name).map(BridgeSubnet::number).orElse(OptionalInt.empty());
        if (number.isPresent()) {
            // the pair goes with its host end, even while a process still holds the namespace
            HostCommand.Result r =
                    HostCommand.attempt(List.of("ip", "link", "del", BridgeSubnet.veth(number.getAsInt())));
            if (!r.ok() && linkExists(BridgeSubnet.veth(number.getAsInt()))) {
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
        for (String link : linkNames()) {
            BridgeSubnet.vethNumber(link).ifPresent(used::add);
        }
        for (int n = BridgeSubnet.FIRST; n <= BridgeSubnet.LAST; n++) {
            if (!used.contains(n)) {
                return n;
            }
        }
        throw new DriverException(ErrorCode.EXTERNAL, true, "every address of " + BridgeSubnet.CIDR + " is in use");
    }

    /** The host's link names ({@code ip -o link} prints {@code 7: name@peer: <...>}). */
    private static List<String> linkNames() {
        List<String> names = new ArrayList<>();
        for (String line : HostCommand.run(List.of("ip", "-o", "link", "show")).split("\n")) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2) {
                int at = parts[1].indexOf('@');
                names.add(at < 0 ? parts[1].strip() : parts[1].substring(0, at));
            }
        }
        return names;
    }

    private static boolean linkExists(String link) {
        return HostCommand.attempt(List.of("ip", "link", "show", "dev", link)).ok();
    }

    /** The bridge with its address, forwarding on, and the shared NAT and forward rules. */
    private static void ensureBridge() {
        if (!linkExists(BridgeSubnet.BRIDGE)) {
            HostCommand.run(List.of("ip", "link", "add", BridgeSubnet.BRIDGE, "type", "bridge"));
            LOG.info("created bridge {} for {}", BridgeSubnet.BRIDGE, BridgeSubnet.CIDR);
        }
        HostCommand.run(List.of(
                "ip",
                "addr",
                "replace",
                BridgeSubnet.GATEWAY + "/" + BridgeSubnet.PREFIX_LENGTH,
                "dev",
                BridgeSubnet.BRIDGE));
        HostCommand.run(List.of("ip", "link", "set", BridgeSubnet.BRIDGE, "up"));
        sysctl("net/ipv4/ip_forward", "1");
        // connections to 127.0.0.1:<host port> are forwarded too, with their source rewritten
        sysctl("net/ipv4/conf/" + BridgeSubnet.BRIDGE + "/route_localnet", "1");
        ensureRule(
                "nat",
                "POSTROUTING",
                false,
                "-s",
                BridgeSubnet.CIDR,
                "!",
                "-o",
                BridgeSubnet.BRIDGE,
                "-j",
                "MASQUERADE");
        ensureRule("nat", "POSTROUTING", false, "-s", "127.0.0.0/8", "-o", BridgeSubnet.BRIDGE, "-j", "MASQUERADE");
        // ahead of a DROP policy or rules of other tools: out of the namespaces, and forwarded ports and replies in
        ensureRule("filter", "FORWARD", true, "-i", BridgeSubnet.BRIDGE, "-j", "ACCEPT");
        ensureRule(
                "filter",
                "FORWARD",
                true,
                "-o",
                BridgeSubnet.BRIDGE,
                "-m",
                "conntrack",
                "--ctstate",
                "RELATED,ESTABLISHED,DNAT",
                "-j",
                "ACCEPT");
    }

    private static void ensureRule(String table, String chain, boolean first, String... rule) {
        List<String> spec = new ArrayList<>(List.of(rule));
        spec.addAll(spec.size() - 2, List.of("-m", "comment", "--comment", SHARED_COMMENT));
        List<String> check = new ArrayList<>(List.of("iptables", "-w", "-t", table, "-C", chain));
        check.addAll(spec);
        if (HostCommand.attempt(check).ok()) {
            return;
        }
        List<String> add = new ArrayList<>(List.of("iptables", "-w", "-t", table, first ? "-I" : "-A", chain));
        if (first) {
            add.add("1");
        }
        add.addAll(spec);
        HostCommand.run(add);
    }

    private static void sysctl(String key, String value) {
        Path file = Path.of("/proc/sys").resolve(key);
        try {
            if (!Files.readString(file).strip().equals(value)) {
                Files.writeString(file, value);
            }
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, "cannot set " + file + " to " + value + ": " + e.getMessage(), e);
        }
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

    /** Runs {@code action} holding the host-wide lock. */
    private static <T> T locked(Supplier<T> action) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(LOCK_FILE.getParent());
            try (FileChannel channel =
                            FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE,
                    "group networks need root: cannot lock " + LOCK_FILE + ": " + e.getMessage(),
                    e);
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
