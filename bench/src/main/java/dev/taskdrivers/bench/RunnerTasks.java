package dev.taskdrivers.bench;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Task specs for the three process-like drivers, and waiting on a task's state, for runner-level benchmarks. */
final class RunnerTasks {
    /** The busybox test image built by scripts/services/test-images.sh. */
    static final String TEST_IMAGE = "taskdrivers-test/busybox:1";

    private RunnerTasks() {}

    /** A task running {@code argv} on {@code driver} (raw_exec, exec or docker with {@code image}). */
    static TaskSpec command(String name, String driver, String image, List<String> argv) {
        Map<String, Object> config = driver.equals("docker")
                ? Map.of("image", image, "command", argv.get(0), "args", argv.subList(1, argv.size()))
                : Map.of("command", argv.get(0), "args", argv.subList(1, argv.size()));
        // SIGKILL at once: a busybox sleep as a container's pid 1 ignores SIGTERM, and the stop is not measured
        return TaskSpec.of(name, driver, config).withKill(Duration.ofSeconds(1), "SIGKILL");
    }

    /** Waits until the task reaches {@code wanted}; fails early when it is dead and {@code wanted} is not DEAD. */
    static TaskStatus await(AllocationHandle alloc, String task, TaskState wanted, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TaskStatus status = alloc.status().tasks().get(task);
            if (status != null && status.state() == wanted) {
                return status;
            }
            if (status != null && status.state() == TaskState.DEAD) {
                throw new IllegalStateException(alloc.name() + "/" + task + " died while waiting for " + wanted + ": "
                        + status.lastExit() + ", last events " + lastEvents(status));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(alloc.name() + "/" + task + " not " + wanted + " within " + timeout
                        + "; it is "
                        + (status == null ? "unknown" : status.state() + ", last events " + lastEvents(status)));
            }
            Thread.sleep(5);
        }
    }

    static String lastEvents(TaskStatus status) {
        int n = status.events().size();
        return status.events().subList(Math.max(0, n - 3), n).stream()
                .map(e -> e.type() + ": " + e.message())
                .toList()
                .toString();
    }

    /** Deletes a directory tree; a missing one is fine. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Removes the exec driver's cgroup parent from every hierarchy once its tasks' cgroups are gone. */
    static void removeEmptyCgroupParent(String parent) throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                try {
                    Files.deleteIfExists(h.resolve(parent));
                } catch (java.nio.file.FileSystemException e) {
                    // a task's cgroup is still inside (EBUSY / not empty): leave it for the leak check to report
                }
            }
        }
    }
}
