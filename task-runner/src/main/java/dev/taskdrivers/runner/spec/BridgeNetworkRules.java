package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.util.List;

/**
 * What a group in {@code bridge} network mode needs of its tasks: one driver for all of them that creates group
 * networks (docker, raw_exec, exec, java), and no task that picks its own {@code network_mode}, which the group's network sets.
 */
final class BridgeNetworkRules {
    private BridgeNetworkRules() {}

    /** Adds the problems of {@code group}'s tasks, under {@code groupPath}; none for a group in host mode. */
    static void problems(
            GroupSpec.Builder group, String groupPath, DriverRegistry drivers, List<ValidationProblem> problems) {
        if (!GroupSpec.BRIDGE_NETWORK.equals(group.networkMode())) {
            return;
        }
        String first = null;
        for (int j = 0; j < group.tasks().size(); j++) {
            TaskSpec.Builder task = group.tasks().get(j);
            String path = groupPath + ".tasks[" + j + "]";
            String name = task.driver();
            if (first == null) {
                first = name;
            } else if (!first.equals(name)) {
                problems.add(new ValidationProblem(
                        path + ".driver",
                        "all tasks of a group in network mode \"bridge\" share one driver's network; the first task"
                                + " uses " + first + ", this one " + name));
                continue;
            }
            if (drivers.has(name) && !createsGroupNetworks(drivers, name)) {
                problems.add(new ValidationProblem(
                        path + ".driver",
                        "network mode \"bridge\" is not supported for the " + name + " driver: only drivers that"
                                + " create group networks (docker, raw_exec, exec, java) run in a bridge group; use network mode"
                                + " \"host\""));
            }
            if (task.config().containsKey("network_mode")) {
                problems.add(new ValidationProblem(
                        path + ".config.network_mode",
                        "is set by the group's network in network mode \"bridge\"; remove it, or use network mode"
                                + " \"host\""));
            }
        }
    }

    private static boolean createsGroupNetworks(DriverRegistry drivers, String name) {
        try {
            return drivers.driver(name).createsGroupNetworks();
        } catch (RuntimeException e) {
            return false; // its own problem is reported with the task's config; refused here like a driver without
        }
    }
}
