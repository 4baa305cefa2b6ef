package dev.taskdrivers.runner.internal.interpolation;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The values a task's text can refer to: its environment (the {@code NOMAD_*} variables and its own {@code env}),
 * and the node's {@code attr.*}, {@code node.*} and {@code meta.*}.
 */
public final class Variables {
    private final Map<String, String> env;
    private final Function<String, Optional<String>> node;

    /**
     * @param env the task's environment, by variable name
     * @param node a node value by its full name, e.g. {@code attr.kernel.name}
     */
    public Variables(Map<String, String> env, Function<String, Optional<String>> node) {
        this.env = Map.copyOf(env);
        this.node = node;
    }

    Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    Optional<String> node(String name) {
        return node.apply(name);
    }

    /** What to say after "unknown variable ...": the port variables that exist, when a port one was meant. */
    String hint(String name) {
        for (String prefix : new String[] {"NOMAD_PORT_", "NOMAD_HOST_PORT_", "NOMAD_ADDR_", "NOMAD_IP_"}) {
            if (name.startsWith(prefix)) {
                TreeSet<String> known = new TreeSet<>();
                env.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(known::add);
                return known.isEmpty()
                        ? " (the task has no ports)"
                        : " (the task's " + prefix + "* variables: " + String.join(", ", known) + ")";
            }
        }
        if (name.startsWith("NOMAD_META_")) {
            return " (no meta key of that name in the job, group or task)";
        }
        if (name.startsWith("meta.")) {
            return " (the node's meta has no such key; job meta is ${NOMAD_META_KEY})";
        }
        if (name.startsWith("attr.")) {
            return " (the node has no such attribute; its embedder adds one with NodeInfo.attribute, the command"
                    + " line with --node-attr)";
        }
        if (name.startsWith("env[")) {
            return " (not in the task's environment)";
        }
        return "";
    }
}
