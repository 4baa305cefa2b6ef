package dev.taskdrivers.bench;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Task start latency as a user of the task runner sees it, per driver: from {@code submit} to the task's
 * {@code Started} event, for {@code sleep 600} on raw_exec, exec and docker, rounds interleaved so every driver sees
 * the same machine load. Feeds the report's percentile chart; its figures are the tail spread (p99 / p50) of each
 * driver.
 */
public final class StartLatencyBenchmark implements Benchmark {
    private static final int WARMUP = 3;
    private static final int ROUNDS = 40;
    private static final List<String> DRIVERS = List.of("raw_exec", "exec", "docker");
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final String CGROUP_PARENT = "taskdrivers-bench";

    private final List<LatencySamples> latencies = new ArrayList<>();

    @Override
    public String name() {
        return "start-latency";
    }

    @Override
    public List<Figure> run() throws Exception {
        latencies.clear();
        Path root = Files.createTempDirectory("start-latency-bench");
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        RunnerListener listener = (TaskId task, TaskEvent event) -> {
            if (event.type() == TaskEventType.STARTED) {
                startedAt.putIfAbsent(task.allocId(), System.nanoTime());
            }
        };
        // images stay: the test image is shared with the docker driver's own tests
        Map<String, Map<String, Object>> options = Map.of(
                "docker", Map.of("image_gc", Map.of("enabled", false)), "exec", Map.of("cgroup_parent", CGROUP_PARENT));
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .driverOptions(options)
                .listener(listener)
                .build()) {
            long[][] samples = new long[DRIVERS.size()][ROUNDS];
            for (int round = -WARMUP; round < ROUNDS; round++) {
                for (int d = 0; d < DRIVERS.size(); d++) {
                    long took = startOnce(runner, DRIVERS.get(d), startedAt);
                    if (round >= 0) {
                        samples[d][round] = took;
                    }
                }
            }
            List<Figure> figures = new ArrayList<>();
            for (int d = 0; d < DRIVERS.size(); d++) {
                LatencySamples s = new LatencySamples(DRIVERS.get(d), samples[d]);
                latencies.add(s);
                double spread = s.percentileMillis(99) / s.percentileMillis(50);
                figures.add(new Figure(
                        name(),
                        DRIVERS.get(d) + " start through the runner: p99 / p50",
                        spread,
                        "x",
                        "",
                        true,
                        String.format(
                                Locale.ROOT,
                                "submit to Started, %d rounds: p50 %.1f ms, p90 %.1f ms," + " p99 %.1f ms",
                                ROUNDS,
                                s.percentileMillis(50),
                                s.percentileMillis(90),
                                s.percentileMillis(99))));
            }
            return figures;
        } finally {
            RunnerTasks.deleteTree(root);
            RunnerTasks.removeEmptyCgroupParent(CGROUP_PARENT);
        }
    }

    @Override
    public List<LatencySamples> startLatencies() {
        return List.copyOf(latencies);
    }

    /** Submits one task, waits for it to run, stops it and forgets it; returns submit-to-Started nanoseconds. */
    private static long startOnce(TaskRunner runner, String driver, Map<String, Long> startedAt) throws Exception {
        JobSpec job = JobSpec.of(
                "startbench",
                List.of(GroupSpec.of(
                        "g",
                        List.of(RunnerTasks.command(
                                "t", driver, RunnerTasks.TEST_IMAGE, List.of("/bin/sleep", "600"))))));
        long begin = System.nanoTime();
        AllocationHandle alloc = runner.submit(job).get(0);
        try {
            RunnerTasks.await(alloc, "t", TaskState.RUNNING, START_LIMIT);
        } finally {
            alloc.stop().get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
            runner.forget(alloc.id());
        }
        Long at = startedAt.remove(alloc.id());
        if (at == null) {
            throw new IllegalStateException(driver + " task ran without a Started event");
        }
        return at - begin;
    }
}
