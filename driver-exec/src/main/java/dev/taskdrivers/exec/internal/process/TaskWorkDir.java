package dev.taskdrivers.exec.internal.process;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a task's {@code work_dir}: an absolute path, accepted with a trailing slash or repeated slashes as Nomad accepts
 * it and normalised to its plain form; a relative path, one with a {@code ..} step (which could leave the place it
 * names) or with a NUL is refused.
 */
public final class TaskWorkDir {
    private TaskWorkDir() {}

    /** The normalised path, or empty when {@code value} is not acceptable. */
    public static Optional<String> normalise(String value) {
        if (!value.startsWith("/") || value.contains("\0")) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        for (Path step : path) {
            if (step.toString().equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(path.normalize().toString());
    }
}
