package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.PortReferences;
import dev.taskdrivers.services.ServiceSpec;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The port a service or check names must be one its task can advertise: a port of the task's own, or, as in Nomad, a
 * port of the group's network, whichever task of the group it was granted to, or a port number no label names
 * ({@link PortReferences}). A group's rule, since a task alone does not know its siblings' ports.
 */
final class ServicePortRules {
    private ServicePortRules() {}

    static void problems(List<TaskSpec.Builder> tasks, List<ValidationProblem> problems) {
        for (int t = 0; t < tasks.size(); t++) {
            TaskSpec.Builder task = tasks.get(t);
            Set<String> own = new TreeSet<>();
            task.ports().forEach(p -> own.add(p.label()));
            Set<String> group = new TreeSet<>();
            for (TaskSpec.Builder sibling : tasks) {
                if (sibling != task) {
                    sibling.ports().stream().filter(PortSpec::sharedWithGroup).forEach(p -> group.add(p.label()));
                }
            }
            group.removeAll(own);
            List<ServiceSpec.Builder> services = task.services();
            for (int s = 0; s < services.size(); s++) {
                String path = "tasks[" + t + "].services[" + s + "]";
                services.get(s).portReferences().forEach((field, label) -> {
                    if (!own.contains(label)
                            && !group.contains(label)
                            && PortReferences.literalPort(label).isEmpty()) {
                        problems.add(new ValidationProblem(path + "." + field, unknown(label, own, group)));
                    }
                });
            }
        }
    }

    private static String unknown(String label, Set<String> own, Set<String> group) {
        String message = "no port labelled \"" + label + "\" in resources.ports (labels: " + own + ")";
        if (!group.isEmpty()) {
            message += " or in the group's network (labels of other tasks' group ports: " + group + ")";
        }
        return label.chars().allMatch(Character::isDigit)
                ? message + ", and as a port number it must be from 1 to 65535"
                : message;
    }
}
