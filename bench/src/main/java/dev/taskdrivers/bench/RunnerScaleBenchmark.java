package dev.taskdrivers.bench;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskStatus;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * 1,000 concurrent raw_exec tasks in one TaskRunner: heap used after a GC and live threads while all run (the runner
 * holds no thread per task), then whether every task reported its own exit code.
 */
public final class RunnerScaleBenchmark implements Benchmark {
    static final int TASKS = 1000;

    @Override
    public String name() {
        return "runner-scale";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("runner-scale-bench");
        Path gate = RunnerBenchSupport.mkfifo(root);
        RunnerBenchSupport.StartedCounter started = new RunnerBenchSupport.StartedCounter();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = heapAfterGc();
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .listener(started)
                .build()) {
            long begin = System.nanoTime();
            List<AllocationHandle> allocs = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                allocs.add(runner.submit(RunnerBenchSupport.single(
                                "scale", i, RunnerBenchSupport.gated("t", gate, RunnerBenchSupport.expectedCode(i))))
                        .get(0));
            }
            RunnerBenchSupport.waitUntil(() -> started.count() == TASKS, 300_000, TASKS + " tasks started");
            double startSeconds = (System.nanoTime() - begin) / 1e9;
            long heap = heapAfterGc();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();

            RunnerBenchSupport.release(
                    gate, () -> allocs.stream().allMatch(a -> a.completion().isDone()), 120_000);
            int correct = 0;
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                AllocationStatus status = allocs.get(i).await(Duration.ofSeconds(30));
                TaskStatus t = Objects.requireNonNull(status.tasks().get("t"), "status of task t");
                int expected = RunnerBenchSupport.expectedCode(i);
                if (t.lastExit().isPresent() && t.lastExit().get().exitCode() == expected) {
                    correct++;
                } else if (wrong.size() < 3) {
                    wrong.add(status.allocName() + " expected " + expected + ", got " + t.lastExit() + ", last events "
                            + RunnerBenchSupport.lastEvents(t));
                }
            }
            double heapMb = heap / 1024.0 / 1024.0;
            String detail = String.format(
                            Locale.ROOT,
                            "%d tasks running; heap after GC %.1f MB (%.1f MB before the"
                                    + " runner), %d live threads (%d before the runner); all started in %.1f s",
                            TASKS,
                            heapMb,
                            heapBefore / 1024.0 / 1024.0,
                            threads,
                            threadsBefore,
                            startSeconds)
                    + (wrong.isEmpty() ? "" : "; wrong exit codes, e.g. " + wrong);
            return List.of(
                    new Figure(
                            name(),
                            "heap used after GC with 1,000 running raw_exec tasks",
                            heapMb,
                            "MB",
                            "<= 64",
                            heapMb <= 64,
                            detail),
                    new Figure(
                            name(),
                            "live JVM threads with 1,000 running raw_exec tasks",
                            threads,
                            "count",
                            "<= 100",
                            threads <= 100,
                            detail),
                    new Figure(
                            name(),
                            "tasks that reported their own exit code",
                            correct,
                            "count",
                            "= " + TASKS,
                            correct == TASKS,
                            detail));
        } finally {
            RunnerBenchSupport.deleteTree(root);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
