package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Paths as a task names them ({@code jar_path}, {@code class_path}) and where they are on the host. Relative paths
 * are relative to the task's directory as Nomad lays it out: {@code local/...}, {@code alloc/...} (the allocation's
 * shared directory) and {@code secrets/...}. In a chroot those three are all the task sees besides the read-only
 * {@code chroot_env} paths (and the JDK); without isolation any other relative path is in the task directory and an
 * absolute path is the host's.
 */
final class TaskPaths {
    private final TaskDirs dirs;
    private final JavaIsolation isolation;
    /** Host path to path inside the chroot, of every read-only bind. */
    private final Map<String, String> chrootEnv;

    TaskPaths(TaskConfig task, JavaIsolation isolation, Map<String, String> chrootEnv) {
        this.dirs = task.dirs();
        this.isolation = isolation;
        this.chrootEnv = Map.copyOf(chrootEnv);
    }

    /**
     * One path resolved.
     *
     * @param host the file on the host, empty when the path is not visible to the task
     * @param forTask the path to hand to the JVM, as the task sees it
     * @param problem why the path is unusable, empty when it is not
     */
    record Resolved(Optional<Path> host, String forTask, Optional<String> problem) {
        static Resolved bad(String path, String problem) {
            return new Resolved(Optional.empty(), path, Optional.of(problem));
        }
    }

    Resolved resolve(String path) {
        if (path.isBlank() || path.contains("\0")) {
            return Resolved.bad(path, "must be a path, got \"" + path + "\"");
        }
        Path p = Path.of(path).normalize();
        if (!p.isAbsolute()) {
            if (p.toString().isEmpty() || p.startsWith("..")) {
                return Resolved.bad(path, "\"" + path + "\" leaves the task directory");
            }
            Optional<Path> inTaskDirs = inTaskDirs(p);
            if (inTaskDirs.isPresent()) {
                return new Resolved(
                        inTaskDirs,
                        isolation == JavaIsolation.CHROOT
                                ? "/" + p
                                : inTaskDirs.get().toString(),
                        Optional.empty());
            }
            if (isolation == JavaIsolation.NONE) {
                Path host = dirs.taskDir().resolve(p);
                return new Resolved(Optional.of(host), host.toString(), Optional.empty());
            }
            return Resolved.bad(
                    path,
                    "\"" + path + "\" is not visible to the task: in its chroot relative paths start with local/,"
                            + " alloc/ or secrets/");
        }
        if (isolation == JavaIsolation.NONE) {
            return new Resolved(Optional.of(p), p.toString(), Optional.empty());
        }
        Optional<Path> inTaskDirs = p.getNameCount() == 0
                ? Optional.empty()
                : inTaskDirs(Path.of("/").relativize(p));
        if (inTaskDirs.isPresent()) {
            return new Resolved(inTaskDirs, p.toString(), Optional.empty());
        }
        Path best = null;
        Path bestSource = null;
        for (Map.Entry<String, String> bind : chrootEnv.entrySet()) {
            Path target = Path.of(bind.getValue());
            if (p.startsWith(target) && (best == null || target.getNameCount() > best.getNameCount())) {
                best = target;
                bestSource = Path.of(bind.getKey());
            }
        }
        if (best != null && bestSource != null) {
            return new Resolved(Optional.of(bestSource.resolve(best.relativize(p))), p.toString(), Optional.empty());
        }
        return Resolved.bad(
                path,
                "\"" + path + "\" is outside the task's chroot, which holds /alloc, /local, /secrets and "
                        + String.join(", ", new TreeSet<>(chrootEnv.values())));
    }

    /** {@code local/x}, {@code alloc/x} or {@code secrets/x} in the task's own directories. */
    private Optional<Path> inTaskDirs(Path relative) {
        if (relative.getNameCount() == 0) {
            return Optional.empty();
        }
        Path base = switch (relative.getName(0).toString()) {
            case "local" -> dirs.localDir();
            case "alloc" -> dirs.allocDir();
            case "secrets" -> dirs.secretsDir();
            default -> null;
        };
        if (base == null) {
            return Optional.empty();
        }
        return Optional.of(
                relative.getNameCount() == 1 ? base : base.resolve(relative.subpath(1, relative.getNameCount())));
    }
}
