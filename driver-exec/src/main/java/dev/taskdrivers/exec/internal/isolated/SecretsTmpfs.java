package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.process.SetupStep;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A task's {@code secrets} directory as Nomad makes it: a private tmpfs of 1 MiB, {@code noexec}, {@code nosuid},
 * {@code nodev}, readable only by the task's user, mounted on the host so that what the runner writes there (rendered
 * templates, tokens) never reaches a disk. Files already in the directory (an artifact) are moved into it.
 */
final class SecretsTmpfs {
    /** Nomad's size of a task's secrets directory. */
    static final String SIZE = "1m";

    private SecretsTmpfs() {}

    /** Mounts the tmpfs on {@code dir} unless one is there already; whether it mounted one. */
    static boolean mount(Path mountTool, Path dir, TaskUser user) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (isMounted(normalized)) {
            return false;
        }
        try {
            Path before = moveAsideIfNotEmpty(normalized);
            run(List.of(
                    mountTool.toString(),
                    "-t",
                    "tmpfs",
                    "-o",
                    options(user) + ",noexec,nosuid,nodev",
                    "tmpfs",
                    normalized.toString()));
            if (before != null) {
                moveBack(before, normalized);
            }
            return true;
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.EXTERNAL,
                    "cannot mount a tmpfs on the secrets directory " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * For a start through the fork server: the step that has the server's child mount the tmpfs on {@code dir} in the
     * host's mount namespace with one mount(2) call, the same filesystem and options as {@link #mount}, when the
     * directory is empty (no process is spawned for it). When a tmpfs is there already, none. When the directory
     * holds files (rendered or downloaded before the start), {@link #mount} mounts it now and moves them in, and no
     * step is needed.
     */
    static List<SetupStep> mountStepsForForkServer(Path mountTool, Path dir, TaskUser user) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (isMounted(normalized)) {
            return List.of();
        }
        try {
            Files.createDirectories(normalized);
            try (Stream<Path> entries = Files.list(normalized)) {
                if (entries.findAny().isPresent()) {
                    mount(mountTool, normalized, user);
                    return List.of();
                }
            }
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.EXTERNAL, "cannot prepare the secrets directory " + dir + ": " + e.getMessage(), e);
        }
        return List.of(SetupStep.filesystemOnHost(
                "tmpfs",
                normalized.toString(),
                SetupStep.MS_NOEXEC | SetupStep.MS_NOSUID | SetupStep.MS_NODEV,
                options(user)));
    }

    /** The tmpfs options besides the mount flags: its size, mode and owner. */
    private static String options(TaskUser user) {
        return "size=" + SIZE + ",mode=0700,uid=" + user.uid() + ",gid=" + user.gid();
    }

    /** Unmounts the tmpfs on {@code dir}, if any; its content is gone with it. Idempotent. */
    static void unmount(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (isMounted(normalized)) {
            Mounts.unmountLazily(normalized);
        }
    }

    static boolean isMounted(Path dir) {
        return MountInfo.read(MountInfo.SELF).mounts().stream()
                .anyMatch(m -> m.mountPoint().equals(dir) && m.fsType().equals("tmpfs"));
    }

    /** Renames a non-empty directory aside (recreating it empty) so the mount does not hide its files. */
    private static @Nullable Path moveAsideIfNotEmpty(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return null;
            }
        }
        Path aside = dir.resolveSibling(dir.getFileName() + ".before-tmpfs");
        Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectory(dir);
        return aside;
    }

    private static void moveBack(Path aside, Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(aside)) {
            for (Path entry : entries.toList()) {
                run(List.of("cp", "-a", entry.toString(), dir.toString()));
            }
        }
        FileTrees.deleteRecursively(aside);
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
