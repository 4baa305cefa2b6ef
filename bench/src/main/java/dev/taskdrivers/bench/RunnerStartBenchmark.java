package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * raw_exec start of {@code /bin/true} through the whole TaskRunner (submit until the Started event: validation,
 * directories, prestart, start, persisted state) against a bare {@link ProcessBuilder#start()} of the same program and
 * against the raw_exec driver called directly, alternating in one run.
 *
 * <p>Measured twice with one runner: right after {@value #COLD_WARMUP} warm-up rounds, while the runner's and the
 * driver's Java code still runs mostly interpreted (a runner's first starts), and after 2,000 more
 * rounds, once the JIT has compiled them (a runner that keeps starting tasks). The target applies to the steady state,
 * as it would in a JMH measurement; {@code -Drunner-start.steady-warmup=N} sets another count.
 */
public final class RunnerStartBenchmark implements Benchmark {
    private static final int COLD_WARMUP = 15;
    private static final int STEADY_WARMUP = Integer.getInteger("runner-start.steady-warmup", 2000);
    private static final int ROUNDS = 100;

    private final List<LatencySamples> latencies = new ArrayList<>();

    @Override
    public String name() {
        return "runner-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("runner-start-bench");
        RunnerBenchSupport.StartedCounter started = new RunnerBenchSupport.StartedCounter();
        Rounds cold;
        Rounds steady;
        try (TaskRunner runner = TaskRunner.builder()
                        .stateDir(root.resolve("state"))
                        .dataDir(root.resolve("data"))
                        .listener(started)
                        .build();
                Driver driver = new RawExecDriverFactory().create(DriverContext.of(root.resolve("direct")))) {
            Starts starts = new Starts(runner, started, driver, root);
            starts.run(COLD_WARMUP);
            cold = starts.run(ROUNDS);
            starts.run(STEADY_WARMUP);
            steady = starts.run(ROUNDS);
        } finally {
            RunnerBenchSupport.deleteTree(root);
        }
        latencies.clear();
        latencies.add(new LatencySamples(
                "raw_exec (via the runner)",
                steady.viaRunner.stream().mapToLong(Long::longValue).toArray()));
        String coldDetail = cold.detail("the first " + ROUNDS + " starts after " + COLD_WARMUP + " warm-up rounds");
        String steadyDetail =
                steady.detail(ROUNDS + " starts after " + (COLD_WARMUP + ROUNDS + STEADY_WARMUP) + " rounds");
        return List.of(
                new Figure(
                        name(),
                        "raw_exec start via TaskRunner / bare ProcessBuilder start, steady state (median)",
                        steady.vsBare(),
                        "x",
                        "<= 1.5x",
                        steady.vsBare() <= 1.5,
                        steadyDetail),
                new Figure(
                        name(),
                        "raw_exec start via TaskRunner / raw_exec driver start alone, steady state (median)",
                        steady.vsDriver(),
                        "x",
                        "",
                        true,
                        steadyDetail),
                new Figure(
                        name(),
                        "raw_exec start via TaskRunner / bare ProcessBuilder start, a new runner's first"
                                + " starts (median)",
                        cold.vsBare(),
                        "x",
                        "",
                        true,
                        coldDetail));
    }

    /** One runner and one bare driver, started alternately with bare ProcessBuilder starts. */
    private static final class Starts {
        private final TaskRunner runner;
        private final RunnerBenchSupport.StartedCounter started;
        private final Driver driver;
        private final Path root;
        private final TaskSpec task =
                TaskSpec.of("t", "raw_exec", Map.of("command", "/bin/true")).withRestart(RestartPolicy.NEVER);
        private int count;

        Starts(TaskRunner runner, RunnerBenchSupport.StartedCounter started, Driver driver, Path root) {
            this.runner = runner;
            this.started = started;
            this.driver = driver;
            this.root = root;
        }

        Rounds run(int rounds) throws Exception {
            Rounds measured = new Rounds();
            for (int i = 0; i < rounds; i++) {
                measured.bare.add(bareStart());
                measured.driverOnly.add(driverStart(driver, root, count++));
                long begin = System.nanoTime();
                AllocationHandle alloc = runner.submit(RunnerBenchSupport.single("start", 0, task))
                        .get(0);
                RunnerBenchSupport.waitUntil(() -> started.startedAt.containsKey(alloc.id()), 10_000, "start");
                measured.viaRunner.add(Objects.requireNonNull(started.startedAt.get(alloc.id()), "start time") - begin);
                alloc.await(Duration.ofSeconds(10));
                runner.forget(alloc.id());
            }
            return measured;
        }
    }

    /** Start times of one series of rounds, in nanoseconds. */
    private static final class Rounds {
        private final List<Long> viaRunner = new ArrayList<>();
        private final List<Long> bare = new ArrayList<>();
        private final List<Long> driverOnly = new ArrayList<>();

        double vsBare() {
            return RunnerBenchSupport.median(viaRunner) / RunnerBenchSupport.median(bare);
        }

        double vsDriver() {
            return RunnerBenchSupport.median(viaRunner) / RunnerBenchSupport.median(driverOnly);
        }

        String detail(String which) {
            return String.format(
                    Locale.ROOT,
                    "medians of %s: runner %.3f ms, raw_exec driver alone %.3f ms, bare" + " ProcessBuilder %.3f ms",
                    which,
                    RunnerBenchSupport.median(viaRunner) / 1e6,
                    RunnerBenchSupport.median(driverOnly) / 1e6,
                    RunnerBenchSupport.median(bare) / 1e6);
        }
    }

    @Override
    public List<LatencySamples> startLatencies() {
        return List.copyOf(latencies);
    }

    private static long bareStart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/true")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        long begin = System.nanoTime();
        Process process = builder.start();
        long took = System.nanoTime() - begin;
        process.waitFor();
        return took;
    }

    private static long driverStart(Driver driver, Path root, int i) throws Exception {
        TaskId id = new TaskId("direct" + i, "start", "g", 0, "t");
        TaskConfig config = new TaskConfig(
                id,
                Map.of("command", "/bin/true"),
                Map.of(),
                Resources.defaults(),
                TaskDirs.standard(root.resolve("direct-alloc").resolve(id.allocId()), "t"),
                null,
                TaskConfig.DEFAULT_KILL_TIMEOUT,
                TaskConfig.DEFAULT_KILL_SIGNAL);
        Files.createDirectories(config.dirs().localDir());
        long begin = System.nanoTime();
        driver.prestart(config, EventEmitter.NONE);
        StartResult result = driver.start(config, EventEmitter.NONE);
        long took = System.nanoTime() - begin;
        result.handle().exitFuture().get();
        result.handle().close();
        driver.cleanup(config, result.created());
        return took;
    }
}
