package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.util.List;

/**
 * A task's log limits: its {@code logs} block, unless its driver config still sets the options these drivers had
 * before there was one ({@code max_files}, {@code max_file_size} in MiB), which are kept as aliases and win.
 *
 * @param maxFiles the alias, 0 when not set (or not valid: then it is a problem of the config)
 * @param maxFileSizeMb the alias, 0 when not set (or not valid)
 */
public record TaskLogLimits(int maxFiles, long maxFileSizeMb) {
    public static final String MAX_FILES = "max_files";
    public static final String MAX_FILE_SIZE = "max_file_size";

    /** Reads the aliases, recording a value out of range as a problem of {@code reader}. */
    public static TaskLogLimits read(ConfigReader reader) {
        long maxFiles = reader.integer(MAX_FILES, 0, 1, LogConfig.MAX_FILES_LIMIT);
        long maxFileSize = reader.integer(MAX_FILE_SIZE, 0, 1, LogConfig.MAX_FILE_SIZE_MB_LIMIT);
        return new TaskLogLimits((int) maxFiles, maxFileSize);
    }

    /** Only the aliases of a task's config, problems ignored (for a task that runs already). */
    public static TaskLogLimits read(TaskConfig task) {
        return read(new ConfigReader(task.driverConfig(), "config"));
    }

    /** The limits that apply to {@code task}. */
    public LogConfig apply(TaskConfig task) {
        LogConfig.Builder b = LogConfig.builder()
                .maxFiles(task.logs().maxFiles())
                .maxFileSizeBytes(task.logs().maxFileSizeBytes());
        if (maxFiles > 0) {
            b.maxFiles(maxFiles);
        }
        if (maxFileSizeMb > 0) {
            b.maxFileSizeMb((int) maxFileSizeMb);
        }
        return b.build();
    }

    /** The task's stdout and stderr, each going on at its highest index. */
    public List<RotatingLogFile> open(TaskConfig task) {
        return RotatingLogFile.openBoth(task.dirs().logsDir(), task.id().taskName(), apply(task));
    }

    /**
     * The same for a task whose process already writes its logs (reattached): the existing files are listed when the
     * poller first needs them, not while thousands of tasks are taken over.
     */
    public List<RotatingLogFile> openLater(TaskConfig task) {
        return RotatingLogFile.openBothLater(task.dirs().logsDir(), task.id().taskName(), apply(task));
    }
}
