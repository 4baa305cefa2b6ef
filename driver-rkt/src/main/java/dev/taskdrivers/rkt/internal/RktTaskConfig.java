package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A task's {@code config} block for the rkt driver.
 *
 * @param image the image to run, e.g. {@code docker://redis:7} or {@code coreos.com/etcd:v3.5.0}
 * @param command the program to run instead of the image's own ({@code --exec})
 * @param args arguments for the app
 * @param trustPrefix a key prefix to trust before fetching ({@code rkt trust --prefix})
 * @param insecureOptions checks rkt skips ({@code --insecure-options}), e.g. {@code image}
 * @param dnsServers DNS servers for the pod
 * @param dnsSearchDomains DNS search domains for the pod
 * @param net networks to join; {@code host} shares the host's
 * @param portMap port label to the name of the port in the image manifest
 * @param volumes {@code host_path:container_path} mounts
 * @param debug whether rkt logs debug output
 */
public record RktTaskConfig(
        String image,
        @Nullable String command,
        List<String> args,
        @Nullable String trustPrefix,
        List<String> insecureOptions,
        List<String> dnsServers,
        List<String> dnsSearchDomains,
        List<String> net,
        Map<String, String> portMap,
        List<String> volumes,
        boolean debug) {

    private static final Pattern VOLUME = Pattern.compile("/[^:]*:/[^:]*");

    /** The result of reading a config: the config when valid, and every problem found. */
    record Parsed(@Nullable RktTaskConfig config, List<ValidationProblem> problems) {}

    /**
     * Reads and checks a task's config.
     *
     * @param portsKnown whether {@code task.resources().ports()} are the ports granted to the task, so a
     *        {@code port_map} label missing from them is an error; false for a check made before ports are granted
     */
    static Parsed parse(TaskConfig task, boolean portsKnown) {
        ConfigReader r = new ConfigReader(task.driverConfig(), "config");
        String image = r.requiredString("image");
        String command = r.optionalString("command");
        if (command != null && command.isBlank()) {
            r.problem("command", "must not be empty");
        }
        List<String> args = r.stringList("args");
        String trust = r.optionalString("trust_prefix");
        List<String> insecure = r.stringList("insecure_options");
        List<String> dns = r.stringList("dns_servers");
        List<String> search = r.stringList("dns_search_domains");
        List<String> net = r.stringList("net");
        if (net.contains("host") && net.size() > 1) {
            r.problem("net", "\"host\" cannot be combined with other networks");
        }
        Map<String, String> portMap = r.stringMap("port_map");
        portMap.forEach((label, name) -> {
            if (portsKnown && task.resources().port(label).isEmpty()) {
                r.problem("port_map." + label, missingPortLabel(label, task.resources()));
            }
            if (name.isBlank()) {
                r.problem("port_map." + label, "must name a port of the image manifest");
            }
        });
        List<String> volumes = r.stringList("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            if (!VOLUME.matcher(volumes.get(i)).matches()) {
                r.problem(
                        "volumes[" + i + "]", "must be \"/host/path:/container/path\", got \"" + volumes.get(i) + "\"");
            }
        }
        boolean debug = r.bool("debug", false);
        List<ValidationProblem> problems = r.problems();
        RktTaskConfig config = problems.isEmpty() && image != null
                ? new RktTaskConfig(image, command, args, trust, insecure, dns, search, net, portMap, volumes, debug)
                : null;
        return new Parsed(config, problems);
    }

    private static String missingPortLabel(String label, Resources resources) {
        String granted = resources.ports().isEmpty()
                ? "grants no ports"
                : "has only "
                        + resources.ports().stream()
                                .map(p -> "\"" + p.label() + "\"")
                                .collect(Collectors.joining(", "));
        return "needs a port labelled \"" + label + "\" in the task's resources.ports, which " + granted
                + "; declare that port or remove \"" + label + "\" from port_map";
    }

    /** Whether the pod shares the host's network (then it has no address of its own). */
    boolean hostNetwork() {
        return net.contains("host");
    }
}
