package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's side shared by every allocation's namespace: the bridge {@value BridgeSubnet#BRIDGE} with the subnet's
 * first address, IPv4 forwarding, masquerade of what leaves the subnet, and {@code FORWARD} rules that let the
 * namespaces out and forwarded ports and replies in. Made on first use, idempotently, and left in place; its rules
 * carry the comment {@value #SHARED_COMMENT}.
 */
final class HostBridge {
    static final String SHARED_COMMENT = "taskdrivers-bridge";
    private static final Logger LOG = LoggerFactory.getLogger(HostBridge.class);

    private HostBridge() {}

    /** The host's link names ({@code ip -o link} prints {@code 7: name@peer: <...>}). */
    static List<String> linkNames() {
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

    static boolean linkExists(String link) {
        return HostCommand.attempt(List.of("ip", "link", "show", "dev", link)).ok();
    }

    /** The bridge with its address, forwarding on, and the shared NAT and forward rules. */
    static void ensure() {
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
}
