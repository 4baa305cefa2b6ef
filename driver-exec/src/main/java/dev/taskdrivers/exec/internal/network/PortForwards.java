package dev.taskdrivers.exec.internal.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The iptables DNAT rules that forward an allocation's granted host ports to its namespace, tcp and udp, for traffic
 * from elsewhere ({@code PREROUTING}) and from this host ({@code OUTPUT}). Each rule carries the comment
 * {@code taskdrivers:<namespace>}, by which exactly the allocation's rules are found and removed.
 */
final class PortForwards {
    static final String COMMENT_PREFIX = "taskdrivers:";
    private static final List<String> CHAINS = List.of("PREROUTING", "OUTPUT");
    private static final String ANY_ADDRESS = "0.0.0.0";
    /** The exit code of {@code iptables -C} for a rule that is not there. */
    private static final int RULE_MISSING = 1;

    /** One granted host port and the port inside the namespace it goes to. */
    record Forward(String hostIp, int hostPort, int to) {}

    private PortForwards() {}

    /** Adds the rules of namespace {@code name} at {@code address}. */
    static void add(String name, String address, List<Forward> forwards) {
        for (List<String> rule : rules(name, address, forwards)) {
            HostCommand.run(iptables("-A", rule));
        }
    }

    /**
     * Adds those rules of namespace {@code name} at {@code address} that are missing (lost to a runner that stopped
     * while it added them, or deleted by hand), after the ones there, which are left as they are: connections they
     * carry go on. Returns how many were added.
     */
    static int restoreMissing(String name, String address, List<Forward> forwards) {
        List<List<String>> wanted = rules(name, address, forwards);
        int present = 0;
        for (String chain : CHAINS) {
            present += rulesOf(name, chain).size();
        }
        if (present == wanted.size()) {
            return 0; // one listing per chain is the usual cost; each rule is checked only when some are missing
        }
        int added = 0;
        for (List<String> rule : wanted) {
            HostCommand.Result check = HostCommand.attempt(iptables("-C", rule));
            if (check.ok()) {
                continue;
            }
            if (check.exitCode() != RULE_MISSING) {
                HostCommand.run(iptables("-C", rule)); // reports why it cannot be checked
            }
            HostCommand.run(iptables("-A", rule));
            added++;
        }
        return added;
    }

    /** Each rule of {@code forwards} as its chain and match, without the iptables command ({@code -A} etc.). */
    private static List<List<String>> rules(String name, String address, List<Forward> forwards) {
        List<List<String>> rules = new ArrayList<>();
        for (Forward f : forwards) {
            for (String chain : CHAINS) {
                for (String protocol : List.of("tcp", "udp")) {
                    List<String> rule = new ArrayList<>(List.of(chain, "-p", protocol));
                    if (f.hostIp().isEmpty() || f.hostIp().equals(ANY_ADDRESS)) {
                        rule.addAll(List.of("-m", "addrtype", "--dst-type", "LOCAL"));
                    } else {
                        rule.addAll(List.of("-d", f.hostIp()));
                    }
                    rule.addAll(List.of(
                            "--dport",
                            Integer.toString(f.hostPort()),
                            "-m",
                            "comment",
                            "--comment",
                            comment(name),
                            "-j",
                            "DNAT",
                            "--to-destination",
                            address + ":" + f.to()));
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    private static List<String> iptables(String command, List<String> rule) {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "-t", "nat", command));
        argv.addAll(rule);
        return argv;
    }

    /** Removes every rule of namespace {@code name}; none left is no error. */
    static void remove(String name) {
        for (String chain : CHAINS) {
            for (List<String> rule : rulesOf(name, chain)) {
                List<String> argv = new ArrayList<>(List.of("iptables", "-w", "-t", "nat", "-D"));
                argv.addAll(rule.subList(1, rule.size()));
                HostCommand.Result r = HostCommand.attempt(argv);
                if (!r.ok() && !rulesOf(name, chain).isEmpty()) {
                    HostCommand.run(argv); // still there: report why it cannot be removed
                }
            }
        }
    }

    /** The rules of namespace {@code name} in {@code chain}, each as the tokens of its {@code -A} line. */
    static List<List<String>> rulesOf(String name, String chain) {
        String listing = HostCommand.run(List.of("iptables", "-w", "-t", "nat", "-S", chain));
        List<List<String>> rules = new ArrayList<>();
        for (String line : listing.split("\n")) {
            List<String> tokens = Arrays.stream(line.strip().split("\\s+"))
                    .map(PortForwards::unquote)
                    .toList();
            int at = tokens.indexOf("--comment");
            if (tokens.size() > 1
                    && tokens.get(0).equals("-A")
                    && at > 0
                    && at + 1 < tokens.size()
                    && tokens.get(at + 1).equals(comment(name))) {
                rules.add(tokens);
            }
        }
        return rules;
    }

    static String comment(String name) {
        return COMMENT_PREFIX + name;
    }

    private static String unquote(String token) {
        return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
                ? token.substring(1, token.length() - 1)
                : token;
    }
}
