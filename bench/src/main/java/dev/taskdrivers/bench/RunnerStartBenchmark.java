package dev.taskdrivers.bench;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.Driver;
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

/**
 * raw_exec start of {@code /bin/true} through the whole TaskRunner (submit until the Started event: validation,
 * directories, prestart, start, persisted state) against a bare {@link ProcessBuilder#start()} of the same program and
 * against the raw_exec driver called directly, alternating in one run.
 *
 * <p>The 15 warm-up rounds leave the runner's and the driver's Java code mostly interpreted, as in a runner's first
 * starts; {@code -Drunner-start.warmup=N} sets another count, e.g. 2000 for the steady state of a long-running one.
 */
public final class RunnerStartBenchmark implements Benchmark {
    private static final int WARMUP = Integer.getInteger("runner-start.warmup", 15);
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
        List<Long> viaRunner = new ArrayList<>();
        List<Long> bare = new ArrayList<>();
        List<Long> driverOnly = new ArrayList<>();
        try (TaskRunner runner = TaskRunner.builder().stateDir(root.resolve("state")).dataDir(root.resolve("data"))
                .listener(started).build();
                Driver driver = new RawExecDriverFactory().create(DriverContext.of(root.resolve("direct")))) {
            TaskSpec task = TaskSpec.of("t", "raw_exec", Map.of("command", "/bin/true"))
                    .withRestart(RestartPolicy.NEVER);
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long b = bareStart();
                long d = driverStart(driver, root, i);
                long begin = System.nanoTime();
                AllocationHandle alloc = runner.submit(RunnerBenchSupport.single("start", 0, task)).get(0);
                RunnerBenchSupport.waitUntil(() -> started.startedAt.containsKey(alloc.id()), 10_000, "start");
                long r = started.startedAt.get(alloc.id()) - begin;
                alloc.await(Duration.ofSeconds(10));
                runner.forget(alloc.id());
                if (i >= 0) {
                    bare.add(b);
                    driverOnly.add(d);
                    viaRunner.add(r);
                }
            }
        } finally {
            RunnerBenchSupport.deleteTree(root);
        }
        double runnerMedian = RunnerBenchSupport.median(viaRunner);
        double bareMedian = RunnerBenchSupport.median(bare);
        double driverMedian = RunnerBenchSupport.median(driverOnly);
        latencies.clear();
        latencies.add(new LatencySamples("raw_exec (via the runner)",
                viaRunner.stream().mapToLong(Long::longValue).toArray()));
        String detail = String.format(Locale.ROOT, "medians over %d rounds after %d warm-up rounds: runner %.3f ms,"
                + " raw_exec driver alone %.3f ms, bare ProcessBuilder %.3f ms", ROUNDS, WARMUP, runnerMedian / 1e6,
                driverMedian / 1e6, bareMedian / 1e6);
        double vsBare = runnerMedian / bareMedian;
        double vsDriver = runnerMedian / driverMedian;
        return List.of(
                new Figure(name(), "raw_exec start via TaskRunner / bare ProcessBuilder start (median)", vsBare, "x",
                        "<= 1.5x", vsBare <= 1.5, detail),
                new Figure(name(), "raw_exec start via TaskRunner / raw_exec driver start alone (median)", vsDriver,
                        "x", "", true, detail));
    }

    @Override
    public List<LatencySamples> startLatencies() {
        return List.copyOf(latencies);
    }

    private static long bareStart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/true")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        long begin = System.nanoTime();
        Process process = builder.start();
        long took = System.nanoTime() - begin;
        process.waitFor();
        return took;
    }

    private static long driverStart(Driver driver, Path root, int i) throws Exception {
        TaskId id = new TaskId("direct" + (i + WARMUP), "start", "g", 0, "t");
        TaskConfig config = new TaskConfig(id, Map.of("command", "/bin/true"), Map.of(), Resources.defaults(),
                TaskDirs.standard(root.resolve("direct-alloc").resolve(id.allocId()), "t"), null, null, null);
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
