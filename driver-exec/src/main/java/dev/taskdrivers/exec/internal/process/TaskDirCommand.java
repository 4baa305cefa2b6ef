package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.TaskDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A command given as a bare name ({@code myscript.sh}) found among the task's own files, as Nomad looks it up: in
 * the task directory's {@code local/} first, then in the task directory itself. A script an artifact or a template
 * put there need not be executable: it is made so before it runs, as Nomad does.
 */
public final class TaskDirCommand {
    private TaskDirCommand() {}

    /** The file {@code name} in {@code local/} or the task directory; empty when neither holds one. */
    public static Optional<Path> find(String name, TaskDirs dirs) {
        for (Path dir : new Path[] {dirs.localDir(), dirs.taskDir()}) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Adds the execute bits to {@code program} when it lies in the task's directory and lacks them. */
    public static void ensureExecutable(Path program, TaskDirs dirs) {
        if (!program.startsWith(dirs.taskDir()) || Files.isExecutable(program)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(program));
            perms.addAll(Set.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(program, perms);
        } catch (IOException | UnsupportedOperationException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "config.command: cannot make " + program + " executable: " + e, e);
        }
    }
}
