package dev.taskdrivers.api;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One of a task's two logs. Its files follow Nomad's layout: {@code <task>.stdout.0} is being written,
 * {@code .1}, {@code .2} ... are older. A writer that rotates a file it cannot rename (the task holds it open)
 * first copies its content to {@link #rotatingFile}, then renames that to {@code .1}; readers wait while it exists.
 */
public enum LogStream {
    STDOUT,
    STDERR;

    /** {@code stdout} or {@code stderr}, as in the file names. */
    public String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code <task>.stdout.<index>}. */
    public String fileName(String taskName, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        return taskName + "." + suffix() + "." + index;
    }

    /** The file of {@code index} in {@code logsDir}. */
    public Path file(Path logsDir, String taskName, int index) {
        return logsDir.resolve(fileName(taskName, index));
    }

    /** Where a rotation that copies puts the content it is moving to {@code .1} until that is complete. */
    public Path rotatingFile(Path logsDir, String taskName) {
        return logsDir.resolve(taskName + "." + suffix() + ".rotating");
    }
}
