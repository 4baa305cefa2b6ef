package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Creates a task's directories: the allocation's own directory, the shared alloc dir (with logs), the task's local
 * dir and its private secrets. Each is one {@code mkdir}, parents first, so a new task costs no failed call and no
 * exception; directories that exist already (a sibling's or a restart's) are accepted.
 */
final class TaskDirectories {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private TaskDirectories() {}

    static void create(TaskDirs dirs) throws IOException {
        createShared(dirs);
        createTask(dirs);
    }

    /** The directories the allocation's tasks share. */
    static void createShared(TaskDirs dirs) throws IOException {
        // in the standard layout the alloc dir's parent is the allocation's own directory, parent of the task dir too
        for (Path dir : List.of(dirs.allocDir().getParent(), dirs.allocDir(), dirs.logsDir())) {
            ensure(dir);
        }
    }

    /** The task's own directories. */
    static void createTask(TaskDirs dirs) throws IOException {
        ensure(dirs.taskDir());
        ensure(dirs.localDir());
        ensureSecrets(dirs.secretsDir());
    }

    private static void ensure(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            requireDirectory(dir, e);
        } catch (NoSuchFileException e) {
            Files.createDirectories(dir); // an ancestor is missing, e.g. the data directory was removed
        }
    }

    /** Created with mode 0700 in the same call (the umask can only take more away); an existing one is set to it. */
    private static void ensureSecrets(Path secrets) throws IOException {
        try {
            Files.createDirectory(secrets, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            ensure(secrets); // not a POSIX filesystem: nothing more to restrict here
        } catch (FileAlreadyExistsException e) {
            requireDirectory(secrets, e);
            Files.setPosixFilePermissions(secrets, OWNER_ONLY);
        } catch (NoSuchFileException e) {
            Files.createDirectories(secrets);
            Files.setPosixFilePermissions(secrets, OWNER_ONLY);
        }
    }

    private static void requireDirectory(Path dir, FileAlreadyExistsException e) throws FileAlreadyExistsException {
        if (!Files.isDirectory(dir)) {
            throw e;
        }
    }
}
