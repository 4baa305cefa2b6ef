package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The capabilities an exec task keeps: Nomad's default set for exec limited to what the operator allows
 * ({@code allow_caps}), plus the task's {@code cap_add}, minus its {@code cap_drop}; {@code "all"} in
 * {@code cap_drop} starts from none, in {@code cap_add} from every allowed one. Everything else is dropped from
 * the task's bounding set, so neither the task nor anything it executes can ever have it.
 */
final class TaskCapabilities {
    private TaskCapabilities() {}

    /** Reads {@code cap_add} and {@code cap_drop}; a name that is unknown or not allowed is a problem of its field. */
    static Set<String> read(ConfigReader r, Set<String> allowed) {
        List<String> add = names(r, "cap_add");
        List<String> drop = names(r, "cap_drop");
        List<String> refused = new ArrayList<>();
        for (String name : add) {
            boolean ok = name.equals(LinuxCapabilities.ALL)
                    ? allowed.containsAll(LinuxCapabilities.NAMES)
                    : allowed.contains(name);
            if (!ok) {
                refused.add(name);
            }
        }
        if (!refused.isEmpty()) {
            r.problem(
                    "cap_add",
                    "not allowed by the driver's allow_caps: " + String.join(", ", refused) + "; a task may add: "
                            + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))));
        }
        Set<String> kept = new TreeSet<>();
        if (add.contains(LinuxCapabilities.ALL)) {
            kept.addAll(allowed);
        } else {
            LinuxCapabilities.TASK_DEFAULTS.stream().filter(allowed::contains).forEach(kept::add);
        }
        if (drop.contains(LinuxCapabilities.ALL)) {
            kept.clear();
        } else {
            drop.forEach(kept::remove);
        }
        add.stream()
                .filter(n -> !n.equals(LinuxCapabilities.ALL) && allowed.contains(n))
                .forEach(kept::add);
        return kept;
    }

    /** The operator's {@code allow_caps}: Nomad's default set for exec when not set; {@code "all"} for every one. */
    static Set<String> readAllowed(ConfigReader r) {
        if (!r.has("allow_caps")) {
            return new TreeSet<>(LinuxCapabilities.TASK_DEFAULTS);
        }
        List<String> names = names(r, "allow_caps");
        return names.contains(LinuxCapabilities.ALL) ? LinuxCapabilities.all() : new TreeSet<>(names);
    }

    /** The normalized names of a list option; each unknown one is a problem naming its position. */
    private static List<String> names(ConfigReader r, String key) {
        List<String> raw = r.stringList(key);
        List<String> names = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String s : raw) {
            LinuxCapabilities.normalize(s).ifPresentOrElse(names::add, () -> unknown.add("\"" + s + "\""));
        }
        if (!unknown.isEmpty()) {
            r.problem(
                    key,
                    "unknown capabilities " + String.join(", ", unknown) + " (names as in capabilities(7), with or"
                            + " without the cap_ prefix, or \"all\")");
        }
        return names;
    }
}
