package dev.taskdrivers.runner.internal.paths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a template or artifact may write, as in Nomad: inside its task directory, or inside the allocation's shared
 * {@code alloc/} directory beside it ({@code ../alloc/...}), which the group's other tasks see. Other tasks'
 * directories and anything else outside the allocation stay out of reach, also through symbolic links.
 */
public final class AllocSandbox {
    /** The shared directory as seen from a task directory. */
    private static final Path SHARED = Path.of("..", "alloc");

    /** The directory variables a path may start with, as job files write them, and the paths they stand for. */
    private static final List<Map.Entry<String, String>> DIRS = List.of(
            Map.entry("${NOMAD_TASK_DIR}", "local"),
            Map.entry("$NOMAD_TASK_DIR", "local"),
            Map.entry("${NOMAD_SECRETS_DIR}", "secrets"),
            Map.entry("$NOMAD_SECRETS_DIR", "secrets"),
            Map.entry("${NOMAD_ALLOC_DIR}", "../alloc"),
            Map.entry("$NOMAD_ALLOC_DIR", "../alloc"));

    private AllocSandbox() {}

    /**
     * The path with a leading directory variable ({@code ${NOMAD_TASK_DIR}}, {@code ${NOMAD_SECRETS_DIR}},
     * {@code ${NOMAD_ALLOC_DIR}}) written relative to the task directory; other text unchanged. The variables' own
     * values are paths as the task sees them (inside a container, say), not where the runner writes.
     */
    public static String withDirsRelative(String written) {
        for (Map.Entry<String, String> e : DIRS) {
            if (written.startsWith(e.getKey())) {
                return e.getValue() + written.substring(e.getKey().length());
            }
        }
        return written;
    }

    /**
     * Whether a destination holds a variable besides a leading directory one (see {@link #withDirsRelative}): it is
     * checked once expanded with the task's environment, not as written.
     */
    public static boolean holdsVariables(String written) {
        return withDirsRelative(written).contains("${");
    }

    /**
     * The path relative to the task directory, normalised; empty when it is absolute, still holds a variable, or
     * leaves both the task directory and the allocation's {@code alloc/} directory.
     */
    public static Optional<Path> relative(String written) {
        String p = withDirsRelative(written);
        if (p.contains("${")) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(p).normalize();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (path.isAbsolute() || path.toString().isEmpty()) {
            return Optional.empty();
        }
        if (path.startsWith("..") && !path.startsWith(SHARED)) {
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /** Whether {@code resolved} (normalised) lies in the task directory or the allocation's shared one. */
    public static boolean contains(Path taskDir, Path resolved) {
        Path task = taskDir.normalize();
        return resolved.startsWith(task) || resolved.startsWith(shared(task));
    }

    /**
     * Whether an existing {@code dir}, once symbolic links are followed, lies in the task directory or the
     * allocation's shared one.
     */
    public static boolean containsReal(Path taskDir, Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (real.startsWith(taskDir.toRealPath())) {
            return true;
        }
        Path shared = shared(taskDir.normalize());
        return shared.toFile().exists() && real.startsWith(shared.toRealPath());
    }

    /**
     * Creates {@code dir} and its missing parents when its nearest existing ancestor lies, links followed, in the task
     * directory or the allocation's shared one; false, having created nothing, when it does not (a link leading out),
     * and false too when the created directory ends up outside.
     */
    public static boolean createDirectoriesInside(Path taskDir, Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !containsReal(taskDir, existing)) {
            return false;
        }
        if (existing == dir && Files.isDirectory(dir)) {
            return true; // nothing to create, and checked just now: a template writes here on every change
        }
        Files.createDirectories(dir);
        return containsReal(taskDir, dir);
    }

    /**
     * Whether {@code file} may be written or read: its directory created as {@link #createDirectoriesInside} does,
     * and the file itself {@link #readableInside}. A file that is no symbolic link lies where its directory does, so
     * only a link is resolved again.
     */
    public static boolean fileInside(Path taskDir, Path file) throws IOException {
        Path dir = file.getParent();
        if (dir == null || !createDirectoriesInside(taskDir, dir)) {
            return false;
        }
        return !Files.isSymbolicLink(file) || readableInside(taskDir, file);
    }

    /**
     * Whether a file may be read: missing, or inside the task directory or the shared one once links (the file's
     * own included) are followed.
     */
    public static boolean readableInside(Path taskDir, Path file) throws IOException {
        return !Files.exists(file) || containsReal(taskDir, file);
    }

    private static Path shared(Path taskDir) {
        return taskDir.resolve(SHARED).normalize();
    }
}
