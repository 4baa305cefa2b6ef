package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A task's network options beyond the network mode, as Nomad's docker driver reads them: {@code ports} (the granted
 * port labels to publish), {@code dns_options}, {@code ipv4_address}, {@code ipv6_address}, {@code mac_address} and {@code advertise_ipv6_address}.
 *
 * @param ports the labels of the task's ports to publish, or null to publish every granted port
 * @param dnsOptions resolver options, e.g. {@code ndots:2}
 * @param ipv4Address the container's fixed IPv4 address on a user-defined network, or null
 * @param ipv6Address the container's fixed IPv6 address on a user-defined network, or null
 * @param macAddress the container's MAC address, or null
 * @param advertiseIpv6Address whether the container's IPv6 address is advertised instead of its IPv4 address
 */
public record NetworkOptions(
        @Nullable List<String> ports,
        List<String> dnsOptions,
        @Nullable String ipv4Address,
        @Nullable String ipv6Address,
        @Nullable String macAddress,
        boolean advertiseIpv6Address) {

    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F.:]+");
    private static final Set<String> NOT_USER_DEFINED = Set.of("bridge", "default", "host", "none");

    /**
     * Reads the options from {@code r}. {@code resources} (null when not known) has the granted ports the labels
     * must name; fixed addresses need a user-defined {@code networkMode}.
     */
    public static NetworkOptions read(ConfigReader r, @Nullable Resources resources, String networkMode) {
        List<String> ports = r.has("ports") ? r.stringList("ports") : null;
        if (ports != null && resources != null) {
            List<String> granted = resources.ports().stream().map(Port::label).toList();
            for (int i = 0; i < ports.size(); i++) {
                if (!granted.contains(ports.get(i))) {
                    r.problem(
                            "ports[" + i + "]",
                            "\"" + ports.get(i) + "\" is not a port label of the task; it has " + granted);
                }
            }
        }
        List<String> dnsOptions = r.stringList("dns_options");
        String ipv4 = address(r, "ipv4_address", Inet4Address.class, networkMode);
        String ipv6 = address(r, "ipv6_address", Inet6Address.class, networkMode);
        String mac = r.optionalString("mac_address");
        if (mac != null && !MAC.matcher(mac).matches()) {
            r.problem("mac_address", "must be six hex pairs like \"02:42:ac:11:00:02\", got \"" + mac + "\"");
        }
        boolean advertiseIpv6 = r.bool("advertise_ipv6_address", false);
        return new NetworkOptions(ports, dnsOptions, ipv4, ipv6, mac, advertiseIpv6);
    }

    private static @Nullable String address(
            ConfigReader r, String key, Class<? extends InetAddress> family, String networkMode) {
        String value = r.optionalString(key);
        if (value == null) {
            return null;
        }
        String kind = family == Inet4Address.class ? "IPv4" : "IPv6";
        if (!isLiteral(value, family)) {
            r.problem(key, "must be an " + kind + " address, got \"" + value + "\"");
        } else if (networkMode == null
                || NOT_USER_DEFINED.contains(networkMode)
                || networkMode.startsWith("container:")) {
            r.problem(key, "needs a user-defined network in network_mode, not \"" + networkMode + "\"");
        }
        return value;
    }

    private static boolean isLiteral(String value, Class<? extends InetAddress> family) {
        // only literals: InetAddress would otherwise look a name up
        if (!IP_LITERAL.matcher(value).matches() || family == Inet4Address.class && value.contains(":")) {
            return false;
        }
        try {
            return family.isInstance(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the port of {@code label} is to be published. */
    public boolean publishes(String label) {
        return ports == null || ports.contains(label);
    }

    /** Sets these options on the create command and its host config. */
    public void applyTo(CreateContainerCmd cmd, HostConfig host) {
        if (!dnsOptions.isEmpty()) {
            host.withDnsOptions(dnsOptions);
        }
        if (ipv4Address != null) {
            cmd.withIpv4Address(ipv4Address);
        }
        if (ipv6Address != null) {
            cmd.withIpv6Address(ipv6Address);
        }
        if (macAddress != null) {
            cmd.withMacAddress(macAddress);
        }
    }
}
