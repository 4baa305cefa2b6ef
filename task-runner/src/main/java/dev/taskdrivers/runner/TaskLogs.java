package dev.taskdrivers.runner;

import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.runner.internal.logs.LogCursor;
import dev.taskdrivers.runner.internal.logs.LogInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads one task's logs from its allocation's {@code alloc/logs} directory, in Nomad's layout
 * ({@code <task>.stdout.N}, {@code .stderr.N}, the highest index being written), as one stream across the files and
 * their rotations. It reads only files, so it works from another process than the runner's (the command line's
 * {@code logs}).
 */
public final class TaskLogs {
    private final Path logsDir;
    private final String taskName;

    private TaskLogs(Path logsDir, String taskName) {
        this.logsDir = Objects.requireNonNull(logsDir, "logsDir");
        this.taskName = Objects.requireNonNull(taskName, "taskName");
    }

    /** The logs of {@code taskName} in {@code logsDir} (an allocation's {@code alloc/logs}). */
    public static TaskLogs of(Path logsDir, String taskName) {
        return new TaskLogs(logsDir, taskName);
    }

    /**
     * The stream from {@code offset} bytes after the start ({@link LogOrigin#START}) or before the end
     * ({@link LogOrigin#END}); with {@code follow} it waits for more output until it is closed, else it ends where the
     * log ends. Bytes in files already deleted by rotation are skipped.
     */
    public InputStream open(LogStream stream, LogOrigin origin, long offset, boolean follow) {
        LogCursor cursor = origin == LogOrigin.START
                ? LogCursor.fromStart(logsDir, taskName, stream, offset)
                : LogCursor.fromEnd(logsDir, taskName, stream, offset);
        return new LogInputStream(cursor, follow);
    }

    /** The stream from the start of its last {@code lines} lines, as {@code tail -n} (and {@code -f}). */
    public InputStream lastLines(LogStream stream, int lines, boolean follow) {
        try {
            return new LogInputStream(LogCursor.lastLines(logsDir, taskName, stream, lines), follow);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stream.fileName(taskName, 0) + " in " + logsDir, e);
        }
    }

    public Path logsDir() {
        return logsDir;
    }
}
