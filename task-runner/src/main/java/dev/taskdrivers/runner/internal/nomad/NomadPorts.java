package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a Nomad job's network ports onto the model's tasks, the same way for a job file and for API JSON: a group's
 * port goes to the first task whose config's {@code ports} holds its label, else to the first whose service or check
 * names it, else to the group's first task (any task's service may name it, as in Nomad); a port's {@code static} stays, and its {@code to} becomes the task's
 * {@code port_map} entry (docker's, or the exec drivers' in a bridge group; one written in the config wins), refused for other
 * drivers; {@code to = -1}, Nomad's
 * "the same as the host port", is no mapping at all.
 */
final class NomadPorts {
    /** The drivers whose config takes a {@code port_map}, where a port's {@code to} goes. */
    static final List<String> PORT_MAP_DRIVERS = List.of("docker", "raw_exec", "exec", "java");

    private final List<ValidationProblem> problems;

    NomadPorts(List<ValidationProblem> problems) {
        this.problems = problems;
    }

    /**
     * Gives each of a group's ports, label to {@code {"static": N, "to": M}}, to a task, marked as the group's
     * ({@code "group": true}), so its siblings see it under its label as well.
     */
    void giveToTasks(String path, Map<String, Map<String, Object>> ports, List<Map<String, Object>> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        ports.forEach((label, port) -> {
            // the task whose driver uses the port holds it (docker publishes it), not one that only advertises it
            Map<String, Object> owner = tasks.stream()
                    .filter(t -> inConfig(t, label))
                    .findFirst()
                    .or(() -> tasks.stream().filter(t -> inServices(t, label)).findFirst())
                    .orElse(tasks.get(0));
            Map<String, Object> groupPort = new LinkedHashMap<>(port);
            groupPort.put("group", true); // the other tasks see it under its label too
            add(path + label, owner, label, groupPort);
        });
    }

    /** Adds one port to a mapped task; {@code path} names the port for problems. */
    @SuppressWarnings("unchecked")
    void add(String path, Map<String, Object> task, String label, Map<String, Object> port) {
        Map<String, Object> spec = new LinkedHashMap<>(port);
        Object to = spec.remove("to");
        if (to instanceof Number n && n.longValue() == -1) {
            to = null; // Nomad's way of writing "the same as the host port", which is what no mapping does
        }
        if (to != null) {
            if (PORT_MAP_DRIVERS.contains(String.valueOf(task.get("driver")))) {
                Map<String, Object> config =
                        (Map<String, Object>) task.computeIfAbsent("config", k -> new LinkedHashMap<>());
                Object written = config.getOrDefault("port_map", Map.of());
                if (written instanceof Map<?, ?> portMap) {
                    Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) portMap);
                    merged.putIfAbsent(label, to); // a port_map written in config wins
                    config.put("port_map", merged);
                } // else the driver reports the port_map it cannot read
            } else {
                problems.add(new ValidationProblem(
                        path + ".to",
                        "not supported yet for the " + task.get("driver") + " driver ("
                                + String.join(", ", PORT_MAP_DRIVERS) + " only)"));
            }
        }
        Map<String, Object> resources =
                (Map<String, Object>) task.computeIfAbsent("resources", k -> new LinkedHashMap<>());
        Map<String, Object> ports =
                (Map<String, Object>) resources.computeIfAbsent("ports", k -> new LinkedHashMap<>());
        ports.put(label, spec);
    }

    /** Whether a mapped task's config's {@code ports} holds a port label. */
    private static boolean inConfig(Map<String, Object> task, String label) {
        return task.get("config") instanceof Map<?, ?> config
                && config.get("ports") instanceof List<?> list
                && list.contains(label);
    }

    /** Whether a mapped task's service or check names a port label. */
    private static boolean inServices(Map<String, Object> task, String label) {
        if (task.get("services") instanceof List<?> services) {
            for (Object s : services) {
                if (s instanceof Map<?, ?> service) {
                    if (label.equals(service.get("port"))) {
                        return true;
                    }
                    if (service.get("checks") instanceof List<?> checks) {
                        for (Object c : checks) {
                            if (c instanceof Map<?, ?> check && label.equals(check.get("port"))) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        return false;
    }
}
