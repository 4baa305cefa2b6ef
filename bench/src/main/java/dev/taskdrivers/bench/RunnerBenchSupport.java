package dev.taskdrivers.bench;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared pieces of the runner benchmarks: gated raw_exec tasks, a Started counter, a FIFO gate. */
final class RunnerBenchSupport {

    private RunnerBenchSupport() {}

    /** A raw_exec task that blocks on {@code gate} (a FIFO, no cpu used while waiting), then exits {@code code}. */
    static TaskSpec gated(String name, Path gate, int code) {
        return TaskSpec.of(
                        name,
                        "raw_exec",
                        Map.of("command", "/bin/sh", "args", List.of("-c", "read x < '" + gate + "'; exit " + code)))
                .withRestart(RestartPolicy.NEVER);
    }

    /** A job of one single-task group named {@code g<i>}. */
    static JobSpec single(String jobName, int i, TaskSpec task) {
        return JobSpec.of(jobName, List.of(GroupSpec.of("g" + i, List.of(task))));
    }

    /** The JSON spec of {@code n} gated single-task groups; group gI exits with {@code expectedCode(i)}. */
    static String gatedSpec(String jobName, int n, Path gate) {
        StringBuilder s =
                new StringBuilder("{\"job\": {\"name\": \"" + jobName + "\", \"type\": \"batch\", \"groups\": [");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"name\": \"g%d\", \"restart\":"
                                    + " {\"attempts\": 0}, \"tasks\": [{\"name\": \"t\", \"driver\": \"raw_exec\", \"config\":"
                                    + " {\"command\": \"/bin/sh\", \"args\": [\"-c\", \"read x < '%s'; exit %d\"]}}]}",
                            i,
                            gate,
                            expectedCode(i)));
        }
        return s.append("]}}").toString();
    }

    /** 0-127: raw_exec's shell-based supervisor reports 129-255 as death by signal (the 128+n convention). */
    static int expectedCode(int i) {
        return i % 128;
    }

    /** The group index of an allocation named {@code job.gI[0]}. */
    static int groupIndex(String allocName) {
        return Integer.parseInt(allocName.substring(allocName.indexOf(".g") + 2, allocName.indexOf('[')));
    }

    /**
     * How many of {@code allocs} (each one task "t" of a gated group) ended with their group's own exit code, and the
     * first few that did not.
     */
    static ExitCodes checkExitCodes(List<AllocationHandle> allocs) throws Exception {
        int correct = 0;
        List<String> wrong = new ArrayList<>();
        for (AllocationHandle alloc : allocs) {
            AllocationStatus status = alloc.await(Duration.ofSeconds(30));
            TaskStatus t = Objects.requireNonNull(status.tasks().get("t"), "status of task t");
            int expected = expectedCode(groupIndex(status.allocName()));
            if (t.lastExit().isPresent() && t.lastExit().get().exitCode() == expected) {
                correct++;
            } else if (wrong.size() < 3) {
                wrong.add(status.allocName() + " expected " + expected + ", got " + t.lastExit());
            }
        }
        return new ExitCodes(correct, wrong);
    }

    /** What {@link #checkExitCodes} found. */
    record ExitCodes(int correct, List<String> wrong) {}

    static Path mkfifo(Path dir) throws IOException, InterruptedException {
        Path fifo = dir.resolve("gate");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        return fifo;
    }

    /**
     * Lets every task blocked on the gate go: opening the FIFO for writing wakes the readers and closing it gives
     * them end-of-file. Repeated until {@code allDone}, for tasks that reached the FIFO after a close.
     */
    static void release(Path fifo, BooleanSupplier allDone, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!allDone.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("tasks did not all end within " + timeoutMs + " ms");
            }
            try (RandomAccessFile writer = new RandomAccessFile(fifo.toFile(), "rw")) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            TimeUnit.MILLISECONDS.sleep(400);
        }
    }

    /** Counts Started events and records when each allocation's task started. */
    static final class StartedCounter implements RunnerListener {
        final Map<String, Long> startedAt = new ConcurrentHashMap<>();

        @Override
        public void onEvent(dev.taskdrivers.api.TaskId task, dev.taskdrivers.runner.TaskEvent event) {
            if (event.type() == TaskEventType.STARTED) {
                startedAt.putIfAbsent(task.allocId(), System.nanoTime());
            }
        }

        int count() {
            return startedAt.size();
        }
    }

    static void waitUntil(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + " did not happen within " + timeoutMs + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** The last three events of a task, for a failure message. */
    static String lastEvents(dev.taskdrivers.runner.TaskStatus status) {
        int n = status.events().size();
        return status.events().subList(Math.max(0, n - 3), n).stream()
                .map(e -> e.type() + ": " + e.message())
                .toList()
                .toString();
    }

    /** Deletes a directory tree; a missing one is fine. */
    static void deleteTree(Path root) throws IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
