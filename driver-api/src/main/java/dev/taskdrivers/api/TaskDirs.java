package dev.taskdrivers.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A task's directories on the host. The alloc dir is shared by the tasks of one allocation.
 *
 * @param allocDir shared by all tasks of the allocation ({@code NOMAD_ALLOC_DIR})
 * @param taskDir the task's own directory, parent of local and secrets
 * @param localDir the task's private scratch space ({@code NOMAD_TASK_DIR})
 * @param secretsDir the task's secrets, mode 0700 ({@code NOMAD_SECRETS_DIR})
 * @param logsDir where drivers write the task's stdout and stderr
 */
public record TaskDirs(Path allocDir, Path taskDir, Path localDir, Path secretsDir, Path logsDir) {
    public TaskDirs {
        Objects.requireNonNull(allocDir, "allocDir");
        Objects.requireNonNull(taskDir, "taskDir");
        Objects.requireNonNull(localDir, "localDir");
        Objects.requireNonNull(secretsDir, "secretsDir");
        Objects.requireNonNull(logsDir, "logsDir");
    }

    /** The standard layout: {@code allocRoot/alloc}, {@code allocRoot/<task>/local}, {@code .../secrets}, logs in
     * {@code allocRoot/alloc/logs}. */
    public static TaskDirs standard(Path allocRoot, String taskName) {
        Path alloc = allocRoot.resolve("alloc");
        Path task = allocRoot.resolve(taskName);
        return new TaskDirs(alloc, task, task.resolve("local"), task.resolve("secrets"), alloc.resolve("logs"));
    }
}
