package dev.taskdrivers.exec.internal.isolated;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host programs that put a task into its namespaces and chroot, found by absolute path so a task's own
 * {@code PATH} never picks them.
 *
 * @param sh a POSIX shell for the setup steps
 * @param unshare util-linux unshare (new namespaces)
 * @param nsenter util-linux nsenter (exec into a task)
 * @param tini the init that forwards signals and reaps zombies as pid 1 of the task's pid namespace
 * @param perl the Perl interpreter, which runs the {@linkplain TaskEntry task entry}
 * @param mount util-linux mount
 * @param staticTini {@code tini-static} when installed (Debian's tini package has both): the fork server executes the
 *        init from outside the task's chroot, where a statically linked one needs no loader or C library
 */
public record IsolationTools(
        Path sh, Path unshare, Path nsenter, Path tini, Path perl, Path mount, Optional<Path> staticTini) {
    private static final List<String> SEARCH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    /** Finds every tool; the map lists the names of those missing (empty when all are there). */
    public static Found find() {
        Map<String, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : List.of("sh", "unshare", "nsenter", "tini", "perl", "mount")) {
            Optional<Path> path = SEARCH.stream()
                    .map(d -> Path.of(d, name))
                    .filter(Files::isExecutable)
                    .findFirst();
            path.ifPresentOrElse(p -> found.put(name, p), () -> missing.add(name));
        }
        if (!missing.isEmpty()) {
            return new Found(Optional.empty(), missing);
        }
        Optional<Path> staticTini =
                Optional.of(tool(found, "tini").resolveSibling("tini-static")).filter(Files::isExecutable);
        return new Found(
                Optional.of(new IsolationTools(
                        tool(found, "sh"),
                        tool(found, "unshare"),
                        tool(found, "nsenter"),
                        tool(found, "tini"),
                        tool(found, "perl"),
                        tool(found, "mount"),
                        staticTini)),
                List.of());
    }

    /**
     * The init the fork server executes from outside a task's chroot: {@code tini-static} when installed, else
     * {@code tini}, which then needs the chroot to hold its loader and C library (the default {@code chroot_env}
     * does).
     */
    public Path initForForkServer() {
        return staticTini.orElse(tini);
    }

    private static Path tool(Map<String, Path> found, String name) {
        return Objects.requireNonNull(found.get(name), () -> name + " is missing among the tools found");
    }

    /**
     * The result of {@link #find()}.
     *
     * @param tools all tools, when every one was found
     * @param missing the names of those not found
     */
    public record Found(Optional<IsolationTools> tools, List<String> missing) {}
}
