package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks that every label a task's {@code port_map} uses names one of the ports in its {@code resources.ports}. */
final class PortLabels {

    private PortLabels() {}

    /** Each label not among the granted ports, with a message that says where the label must be declared. */
    static Map<String, String> missing(Collection<String> labels, Resources resources) {
        String granted = resources.ports().isEmpty()
                ? "grants no ports"
                : "has only "
                        + resources.ports().stream()
                                .map(Port::label)
                                .map(l -> "\"" + l + "\"")
                                .collect(Collectors.joining(", "));
        Map<String, String> missing = new LinkedHashMap<>();
        for (String label : labels) {
            if (resources.port(label).isEmpty()) {
                missing.put(
                        label,
                        "needs a port labelled \"" + label + "\" in the task's resources.ports, which " + granted
                                + "; declare that port or remove \"" + label + "\" from port_map");
            }
        }
        return missing;
    }
}
