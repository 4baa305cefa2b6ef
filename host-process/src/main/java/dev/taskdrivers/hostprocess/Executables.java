package dev.taskdrivers.hostprocess;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Finds programs the way {@code execvp} would, without running a shell. */
public final class Executables {
    /** The search path used when a task's environment has no {@code PATH}. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Executables() {}

    /**
     * Resolves {@code command}: an absolute path is taken as is, a name with a '/' is relative to {@code cwd}, a bare
     * name is searched on {@code searchPath}. Empty when no executable file is found.
     */
    public static Optional<Path> resolve(String command, @Nullable String searchPath, @Nullable Path cwd) {
        if (command.isEmpty()) {
            return Optional.empty();
        }
        if (command.startsWith("/")) {
            return executable(Path.of(command));
        }
        if (command.contains("/")) {
            return cwd == null ? Optional.empty() : executable(cwd.resolve(command));
        }
        String path = searchPath == null || searchPath.isEmpty() ? DEFAULT_PATH : searchPath;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Optional<Path> found = executable(Path.of(dir, command));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** A program that must exist on this host, e.g. {@code setsid}; throws naming it when missing. */
    public static Path require(String name) {
        return resolve(name, DEFAULT_PATH, null)
                .orElseThrow(() -> new IllegalStateException(name + " not found on " + DEFAULT_PATH));
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
}
