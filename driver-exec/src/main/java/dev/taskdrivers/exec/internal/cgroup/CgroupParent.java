package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.ConfigReader;
import java.util.List;
import java.util.regex.Pattern;

/** The driver option {@code cgroup_parent}: the cgroup below which each task of a driver gets its own. */
public final class CgroupParent {
    /** The parent both drivers use unless the operator names another. */
    public static final String DEFAULT = "taskdrivers";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    private CgroupParent() {}

    /** Reads {@code cgroup_parent}, recording a problem in {@code reader} when it is no relative cgroup path. */
    public static String read(ConfigReader reader) {
        String parent = reader.string("cgroup_parent", DEFAULT);
        if (!NAME.matcher(parent).matches() || List.of(parent.split("/")).contains("..")) {
            reader.problem(
                    "cgroup_parent",
                    "must be a relative cgroup path of letters, digits, '_', '.', '-' and '/', got \"" + parent + "\"");
        }
        return parent;
    }

    /** Whether {@code path} is a task cgroup directly or deeper below {@code parent}, without {@code ..}. */
    public static boolean holds(String parent, String path) {
        return path.startsWith(parent + "/") && !List.of(path.split("/")).contains("..");
    }
}
