package dev.taskdrivers.docker.internal;

import dev.taskdrivers.api.ConfigReader;
import java.nio.file.Path;
import java.util.List;

/**
 * What a task may mount without the operator's {@code volumes.enabled}, as in Nomad: host paths inside its own
 * allocation, written relative to the task directory ({@code local/data}, {@code ./cache}, {@code ../alloc/shared}),
 * and {@code tmpfs} mounts (memory of the container's own, no host path). Absolute host paths, docker volumes (named
 * in {@code volumes}, {@code volume} mounts, with or without a volume driver) and {@code volume_driver} need the
 * operator's consent.
 */
public final class HostPathRule {

    static final String DISABLED = "volumes are disabled by the driver configuration (volumes.enabled = false)";

    private HostPathRule() {}

    /**
     * Whether a bind's host path stays in the task's allocation directory: a relative path that, taken from the task
     * directory (a child of the allocation directory), does not climb out of the allocation directory.
     */
    public static boolean staysInAllocation(String hostPath) {
        if (hostPath.isEmpty() || hostPath.startsWith("/") || hostPath.startsWith("~")) {
            return false;
        }
        Path resolved = Path.of("task").resolve(hostPath).normalize();
        return !resolved.startsWith("..");
    }

    /** Reports each {@code volumes} entry that needs volumes enabled, under {@code volumes[i]}. */
    public static void checkVolumes(ConfigReader r, List<String> volumes) {
        for (int i = 0; i < volumes.size(); i++) {
            String host = volumes.get(i).split(":", 2)[0];
            if (!host.contains("/") && !host.startsWith(".")) {
                r.problem(
                        "volumes[" + i + "]",
                        "\"" + host + "\" names a docker volume and " + DISABLED + "; write \"./" + host
                                + "\" for a directory in the task directory");
            } else if (!staysInAllocation(host)) {
                r.problem(
                        "volumes[" + i + "]",
                        "binds host path \"" + host + "\" outside the task's allocation directory and " + DISABLED);
            }
        }
    }

    /**
     * Reports each entry of {@code key} ({@code mount} or {@code mounts}) that needs volumes enabled: volume mounts
     * and binds of host paths outside the allocation.
     */
    public static void checkMounts(ConfigReader r, String key, List<TaskMount> mounts) {
        for (int i = 0; i < mounts.size(); i++) {
            TaskMount m = mounts.get(i);
            String field = key + "[" + i + "]";
            if ("tmpfs".equals(m.type())) {
                continue; // no host path and no docker volume: nothing of the host's is exposed
            }
            if (!"bind".equals(m.type())) {
                r.problem(field, "is a " + m.type() + " mount and " + DISABLED);
            } else if (m.source() != null && !staysInAllocation(m.source())) {
                r.problem(
                        field + ".source",
                        "binds host path \"" + m.source() + "\" outside the task's allocation directory and "
                                + DISABLED);
            }
        }
    }
}
