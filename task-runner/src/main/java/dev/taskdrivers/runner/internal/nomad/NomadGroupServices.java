package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Gives each service of a Nomad group to one of the group's tasks, where the model keeps services: the task its
 * checks name with {@code task} (Nomad's way of saying where a script check runs), else the task whose config's
 * {@code ports} holds the service's port, else the group's first main task (one without {@code lifecycle}), else
 * its first task. The service keeps the name Nomad gives a group service, {@code JOB-GROUP}, unless it names itself.
 */
final class NomadGroupServices {
    private final List<ValidationProblem> problems;

    NomadGroupServices(List<ValidationProblem> problems) {
        this.problems = problems;
    }

    /**
     * Moves {@code services} (mapped service objects, in the order written) into {@code tasks}; {@code path} is the
     * group's service path, e.g. {@code job.web.group.g.service}.
     */
    void giveToTasks(String path, List<Map<String, Object>> services, List<Map<String, Object>> tasks) {
        if (tasks.isEmpty()) {
            return; // the spec parser reports a group without tasks
        }
        for (Map<String, Object> service : services) {
            Set<Object> named = checkTasks(service);
            Map<String, Object> owner;
            if (named.size() > 1) {
                problems.add(new ValidationProblem(
                        path + ".check.task",
                        "the checks of one service name different tasks " + named
                                + "; here a service and its checks belong to one task"));
                continue;
            } else if (named.size() == 1) {
                Object name = named.iterator().next();
                owner = tasks.stream()
                        .filter(t -> name.equals(t.get("name")))
                        .findFirst()
                        .orElse(null);
                if (owner == null) {
                    problems.add(new ValidationProblem(
                            path + ".check.task", "names task \"" + name + "\", which the group does not have"));
                    continue;
                }
            } else {
                owner = usingPort(tasks, service.get("port"));
            }
            @SuppressWarnings("unchecked")
            List<Object> owned = (List<Object>) owner.computeIfAbsent("services", k -> new ArrayList<>());
            owned.add(service);
        }
    }

    /** The task names a service's checks give with {@code task}, taken out of the checks. */
    private static Set<Object> checkTasks(Map<String, Object> service) {
        Set<Object> names = new LinkedHashSet<>();
        if (service.get("checks") instanceof List<?> checks) {
            for (Object c : checks) {
                if (c instanceof Map<?, ?> check && check.containsKey("task")) {
                    names.add(check.remove("task"));
                }
            }
        }
        return names;
    }

    private static Map<String, Object> usingPort(List<Map<String, Object>> tasks, @Nullable Object port) {
        for (Map<String, Object> task : tasks) {
            if (port != null
                    && task.get("config") instanceof Map<?, ?> config
                    && config.get("ports") instanceof List<?> ports
                    && ports.contains(port)) {
                return task;
            }
        }
        return tasks.stream()
                .filter(t -> !t.containsKey("lifecycle"))
                .findFirst()
                .orElse(tasks.get(0));
    }
}
