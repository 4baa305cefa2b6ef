package dev.taskdrivers.bench;

import dev.taskdrivers.metrics.micrometer.TaskRunnerMetrics;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * raw_exec start of {@code /bin/true} through two runners in one JVM, one with {@link TaskRunnerMetrics} on a
 * Micrometer registry and one without, alternating round by round so both see the same machine load; the figure is
 * the ratio of their medians (submit until the Started event), after a warm-up that lets the JIT compile both paths.
 * {@code -Dmetrics-overhead.warmup=N} and {@code -Dmetrics-overhead.rounds=N} set other counts;
 * {@code -Dmetrics-overhead.control=true} runs both without metrics, to show the comparison's own noise.
 */
public final class MetricsOverheadBenchmark implements Benchmark {
    private static final int WARMUP = Integer.getInteger("metrics-overhead.warmup", 500);
    private static final int ROUNDS = Integer.getInteger("metrics-overhead.rounds", 300);
    /** A control run: both runners without metrics, to see the noise of the comparison itself. */
    private static final boolean CONTROL = Boolean.getBoolean("metrics-overhead.control");

    @Override
    public String name() {
        return "metrics-overhead";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("metrics-overhead-bench");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<Long> plain = new ArrayList<>();
        List<Long> metered = new ArrayList<>();
        try (Starts without = new Starts(root.resolve("plain"), null);
                Starts with = new Starts(root.resolve("metered"), CONTROL ? null : new TaskRunnerMetrics(meters))) {
            for (int i = 0; i < WARMUP; i++) {
                without.start();
                with.start();
            }
            for (int i = 0; i < ROUNDS; i++) {
                // alternate which goes first, so neither always follows the other's exit
                if (i % 2 == 0) {
                    plain.add(without.start());
                    metered.add(with.start());
                } else {
                    metered.add(with.start());
                    plain.add(without.start());
                }
            }
        } finally {
            RunnerBenchSupport.deleteTree(root);
        }
        double ratio = RunnerBenchSupport.median(metered) / RunnerBenchSupport.median(plain);
        var counted = meters.find(TaskRunnerMetrics.STARTS).counter();
        double starts = counted == null ? 0 : counted.count();
        return List.of(new Figure(
                name(),
                "raw_exec start via TaskRunner with Micrometer metrics / without (median)",
                ratio,
                "x",
                "<= 1.02x",
                ratio <= 1.02,
                String.format(
                        Locale.ROOT,
                        "medians of %d alternating starts after %d warm-up rounds each: with metrics %.3f ms,"
                                + " without %.3f ms (%.0f starts counted by the meters)",
                        ROUNDS,
                        WARMUP,
                        RunnerBenchSupport.median(metered) / 1e6,
                        RunnerBenchSupport.median(plain) / 1e6,
                        starts)));
    }

    /** One runner starting {@code /bin/true} again and again. */
    private static final class Starts implements AutoCloseable {
        private final TaskSpec task =
                TaskSpec.of("t", "raw_exec", Map.of("command", "/bin/true")).withRestart(RestartPolicy.NEVER);
        private final RunnerBenchSupport.StartedCounter started = new RunnerBenchSupport.StartedCounter();
        private final TaskRunner runner;

        Starts(Path dir, @Nullable TaskRunnerMetrics metrics) {
            TaskRunner.Builder b = TaskRunner.builder()
                    .stateDir(dir.resolve("state"))
                    .dataDir(dir.resolve("data"))
                    .listener(started);
            if (metrics != null) {
                b.listener(metrics);
            }
            this.runner = b.build();
        }

        /** Nanoseconds from submit to the Started event. */
        long start() throws Exception {
            long begin = System.nanoTime();
            // one job and group every time: the meters keep one series, as a scheduler's steady jobs would
            AllocationHandle alloc =
                    runner.submit(RunnerBenchSupport.single("start", 0, task)).get(0);
            RunnerBenchSupport.waitUntil(() -> started.startedAt.containsKey(alloc.id()), 10_000, "start");
            long took = Objects.requireNonNull(started.startedAt.get(alloc.id()), "start time") - begin;
            alloc.await(Duration.ofSeconds(10));
            runner.forget(alloc.id());
            return took;
        }

        @Override
        public void close() {
            runner.close();
        }
    }
}
