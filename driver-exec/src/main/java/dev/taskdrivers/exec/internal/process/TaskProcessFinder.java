package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the running leader process of a task on this host by the task id in its environment
 * ({@code NOMAD_ALLOC_ID} and {@code NOMAD_TASK_NAME}, read from {@code /proc/<pid>/environ}), for a task whose
 * start was never recorded. Only processes that lead their own session count: every launcher starts a task's top
 * process that way, as seen from the host's pid namespace, and a process the task forks does not (unless it detaches
 * itself, which is why the task's own supervisor is preferred, then the oldest). Environments of other users'
 * processes are readable only by root, as the runner is when its tasks switch users. A task is found once it has
 * executed its program: until then (its set-up, microseconds after the launch) its environment is its launcher's.
 */
public final class TaskProcessFinder {
    private static final Path PROC = Path.of("/proc");

    private TaskProcessFinder() {}

    /**
     * A task's leader and its supervisor.
     *
     * @param task the task's leader process
     * @param supervisor its parent when that runs a script from the driver's script directory (the fork server or
     *        the shell supervisor, which record the exit status); a never-running identity when the parent is
     *        another process (the supervisor is gone and the task was handed to init)
     */
    public record Found(ProcessIdentity task, ProcessIdentity supervisor) {
        public boolean supervised() {
            return supervisor.isRunning();
        }
    }

    /**
     * The leader of task {@code id}, if one runs.
     *
     * @param scriptDir where the driver installs its supervisor scripts; a parent whose command line names it is
     *        the task's supervisor
     */
    public static Optional<Found> find(TaskId id, Path scriptDir) {
        String allocVar = TaskEnvironment.ALLOC_ID + "=" + id.allocId();
        String taskVar = TaskEnvironment.TASK_NAME + "=" + id.taskName();
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> procs =
                Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                Optional<ProcStat> stat =
                        ProcStat.read(pid).filter(s -> s.running() && s.session() == pid && s.pgrp() == pid);
                if (stat.isPresent() && hasVariables(proc, allocVar, taskVar)) {
                    found.add(new Found(
                            stat.get().identity(), supervisorOf(stat.get().ppid(), scriptDir)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC + ": " + e.getMessage(), e);
        }
        // still running after the scan: a process that ended meanwhile is no task to take over
        return found.stream()
                .filter(f -> f.task().isRunning())
                .min(Comparator.comparing((Found f) -> !f.supervised())
                        .thenComparingLong(f -> f.task().startTicks()));
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** Whether the process's environment holds both variables; false when it cannot be read (gone, not ours). */
    private static boolean hasVariables(Path proc, String first, String second) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(proc.resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false;
        }
        boolean hasFirst = false;
        boolean hasSecond = false;
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            hasFirst |= entry.equals(first);
            hasSecond |= entry.equals(second);
        }
        return hasFirst && hasSecond;
    }

    private static ProcessIdentity supervisorOf(long ppid, Path scriptDir) {
        ProcessIdentity parent = ProcessIdentity.of(ppid);
        String dir = scriptDir.toAbsolutePath().normalize().toString() + "/";
        try {
            String cmdline = new String(
                    Files.readAllBytes(PROC.resolve(Long.toString(ppid)).resolve("cmdline")), StandardCharsets.UTF_8);
            if (cmdline.contains(dir)) {
                return parent;
            }
        } catch (IOException | SecurityException e) {
            // gone: no supervisor
        }
        return new ProcessIdentity(ppid, ProcessIdentity.UNKNOWN_START);
    }
}
