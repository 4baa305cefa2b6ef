package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.internal.process.LaunchNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The launch name of a running exec or raw_exec task, read from the cgroup its leader joined ({@code /proc/<pid>/cgroup}):
 * every start of a task gets a cgroup named like its state directory and exit file, below the driver's parent.
 */
public final class LaunchOfProcess {
    private LaunchOfProcess() {}

    /** The launch name of task {@code id} whose leader is {@code pid}; empty when it is in no cgroup of that task. */
    public static Optional<String> name(long pid, String cgroupParent, TaskId id) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        String prefix = "/" + cgroupParent + "/";
        for (String line : text.split("\n")) {
            // hierarchy-id:controllers:path, on v1 and v2 alike
            int colon = line.indexOf(':', line.indexOf(':') + 1);
            String path = colon < 0 ? "" : line.substring(colon + 1);
            if (path.startsWith(prefix)) {
                String name = path.substring(prefix.length()).split("/", 2)[0];
                if (LaunchNames.isOf(name, id)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }
}
