package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.runner.spec.PortSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The ports of a group's network among those granted to one of its tasks: its siblings see them as their own. */
public final class GroupPorts {
    private GroupPorts() {}

    /**
     * The ports of {@code granted} whose spec in {@code asked} belongs to the group's network.
     *
     * @param asked the task's port specs
     * @param granted the ports the task was granted (or stands in for at validation)
     * @return those of the group's network, in the order granted; empty when there are none
     */
    public static List<Port> of(List<PortSpec> asked, List<Port> granted) {
        Set<String> labels = new HashSet<>();
        for (PortSpec p : asked) {
            if (p.sharedWithGroup()) {
                labels.add(p.label());
            }
        }
        if (labels.isEmpty()) {
            return List.of();
        }
        List<Port> ports = new ArrayList<>();
        for (Port p : granted) {
            if (labels.contains(p.label())) {
                ports.add(p);
            }
        }
        return ports;
    }
}
