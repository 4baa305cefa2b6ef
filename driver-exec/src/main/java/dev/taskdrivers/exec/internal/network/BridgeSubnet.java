package dev.taskdrivers.exec.internal.network;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host bridge the allocations' namespaces hang off and its private subnet, chosen apart from docker's
 * ({@code 172.17.0.0/16} and up) and Nomad's CNI bridge ({@code 172.26.64.0/20}). The bridge holds the first address
 * and is every namespace's default route; an allocation's address is the subnet's address number {@code n}, and the
 * host end of its veth pair is named after {@code n}, so the addresses in use are read off the host's links.
 */
final class BridgeSubnet {
    /** The subnet of every allocation's namespace. */
    static final String CIDR = "10.213.0.0/20";

    static final String BRIDGE = "tdbridge0";
    static final int PREFIX_LENGTH = 20;
    static final String GATEWAY = "10.213.0.1";
    /** Address numbers 2 to 4094; 0 is the network, 1 the bridge, 4095 the broadcast. */
    static final int FIRST = 2;

    static final int LAST = 4094;

    /** The host end of an allocation's veth pair: {@value #VETH_PREFIX} and its address number. */
    static final String VETH_PREFIX = "tdveth";

    private static final Pattern VETH = Pattern.compile(Pattern.quote(VETH_PREFIX) + "(\\d{1,4})");

    private BridgeSubnet() {}

    /** The address with number {@code n} in the subnet. */
    static String address(int n) {
        return "10.213." + (n >> 8) + "." + (n & 0xff);
    }

    /** The address number of {@code address}, empty when it is not one of the allocations' addresses. */
    static OptionalInt number(String address) {
        Matcher m = Pattern.compile("10\\.213\\.(\\d{1,2})\\.(\\d{1,3})").matcher(address);
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        int n = (Integer.parseInt(m.group(1)) << 8) + Integer.parseInt(m.group(2));
        return n >= FIRST && n <= LAST ? OptionalInt.of(n) : OptionalInt.empty();
    }

    static String veth(int n) {
        return VETH_PREFIX + n;
    }

    /** The address number of a host veth of ours, empty for any other link name. */
    static OptionalInt vethNumber(String link) {
        Matcher m = VETH.matcher(link);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
