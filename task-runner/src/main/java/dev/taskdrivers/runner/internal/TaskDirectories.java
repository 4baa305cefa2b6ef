package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Creates a task's directories: the shared alloc dir (with logs), the task's local dir and its private secrets. */
final class TaskDirectories {

    private TaskDirectories() {
    }

    static void create(TaskDirs dirs) throws IOException {
        Files.createDirectories(dirs.allocDir());
        Files.createDirectories(dirs.logsDir());
        Files.createDirectories(dirs.localDir());
        Path secrets = dirs.secretsDir();
        Files.createDirectories(secrets);
        try {
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX filesystem: nothing more to restrict here
        }
    }
}
