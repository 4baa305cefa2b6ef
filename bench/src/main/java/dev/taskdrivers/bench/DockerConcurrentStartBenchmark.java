package dev.taskdrivers.bench;

import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * N docker tasks started at once: one job of N tasks (one group) submitted to a TaskRunner, timed from the submit to
 * the last task's Started event, against N {@code docker run -d} processes of the same image and command (and the
 * same mounts, limits, labels and environment, as in {@code docker-start}) launched together, timed until the last
 * one returned (its container running). Rounds alternate which goes first; every container is removed after its
 * round. {@code -Ddocker-concurrent-start.counts=20,50} and {@code -Ddocker-concurrent-start.rounds=5} pick others;
 * {@code -Ddocker-concurrent-start.runnerThreads=N} sets the runner's {@code blockingThreads}.
 */
public final class DockerConcurrentStartBenchmark implements Benchmark {
    private static final int[] COUNTS = Arrays.stream(System.getProperty("docker-concurrent-start.counts", "20,50")
                    .split(","))
            .mapToInt(s -> Integer.parseInt(s.strip()))
            .toArray();
    private static final int ROUNDS = Integer.getInteger("docker-concurrent-start.rounds", 5);
    private static final int WARMUP = 1;
    /** The runner's pool for driver calls; 0 keeps the runner's default. */
    private static final int RUNNER_THREADS = Integer.getInteger("docker-concurrent-start.runnerThreads", 0);

    private static final long START_TIMEOUT_MS = 300_000;
    private static final Map<String, Object> SLEEPER =
            Map.of("image", DockerBenchSupport.LOCAL_IMAGE, "command", "/bin/sleep", "args", List.of("600"));

    @Override
    public String name() {
        return "docker-concurrent-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-concurrent");
        StartedTasks started = new StartedTasks();
        List<Figure> figures = new ArrayList<>();
        ExecutorService launchers = Executors.newCachedThreadPool();
        TaskRunner.Builder builder = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                // images stay: the test image is shared with the docker driver's own tests
                .driverOptions(Map.of("docker", Map.of("image_gc", Map.of("enabled", false))))
                .listener(started);
        if (RUNNER_THREADS > 0) {
            builder.blockingThreads(RUNNER_THREADS);
        }
        try (TaskRunner runner = builder.build()) {
            for (int n : COUNTS) {
                figures.add(compare(n, runner, started, launchers, root.resolve("cli-" + n)));
            }
        } finally {
            launchers.shutdownNow();
            RunnerBenchSupport.deleteTree(root);
        }
        return figures;
    }

    private Figure compare(int n, TaskRunner runner, StartedTasks started, ExecutorService launchers, Path cliRoot)
            throws Exception {
        long[] viaRunner = new long[ROUNDS];
        long[] viaCli = new long[ROUNDS];
        double[] ratios = new double[ROUNDS];
        for (int round = -WARMUP; round < ROUNDS; round++) {
            long[] took = new long[2];
            // alternating order, so drift and order effects hit both alike
            for (int k = 0; k < 2; k++) {
                int which = Math.floorMod(round + k, 2);
                took[which] = which == 0 ? runnerRound(runner, started, n, round) : cliRound(launchers, cliRoot, n);
            }
            if (round >= 0) {
                viaRunner[round] = took[0];
                viaCli[round] = took[1];
                ratios[round] = took[0] / (double) took[1];
            }
        }
        double ratio = DockerBenchSupport.median(ratios);
        String detail = String.format(
                Locale.ROOT,
                "medians of %d alternated rounds: runner %s, docker run -d %s; per-round ratios %s; load average %s",
                ROUNDS,
                DockerBenchSupport.ms(DockerBenchSupport.median(viaRunner)),
                DockerBenchSupport.ms(DockerBenchSupport.median(viaCli)),
                Arrays.stream(ratios)
                        .mapToObj(r -> String.format(Locale.ROOT, "%.2f", r))
                        .toList(),
                loadAverage());
        return new Figure(
                name(),
                n + " tasks at once: one job through TaskRunner / " + n + " parallel `docker run -d` (median)",
                ratio,
                "x",
                "<= 1.0x",
                ratio <= 1.0,
                detail);
    }

    /** Submits one job of {@code n} sleeping tasks, waits for every Started, then stops it (containers removed). */
    private static long runnerRound(TaskRunner runner, StartedTasks started, int n, int round) throws Exception {
        String jobName = "concurrent" + n + "r" + (round + WARMUP);
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(TaskSpec.of("t" + i, "docker", SLEEPER)
                    .withRestart(RestartPolicy.NEVER)
                    .withKill(Duration.ofSeconds(1), "SIGKILL"));
        }
        JobSpec job = JobSpec.of(jobName, List.of(GroupSpec.of("g", tasks)));
        long t0 = System.nanoTime();
        List<AllocationHandle> allocs = runner.submit(job);
        AllocationHandle alloc = allocs.get(0);
        RunnerBenchSupport.waitUntil(() -> started.count(alloc.id()) == n, START_TIMEOUT_MS, n + " tasks started");
        long took = started.last(alloc.id()) - t0;
        alloc.stop().get(120, TimeUnit.SECONDS);
        runner.forget(alloc.id());
        started.forget(alloc.id());
        return took;
    }

    /** Runs {@code n} {@code docker run -d} at once, timed until the last returned, then removes the containers. */
    private static long cliRound(ExecutorService launchers, Path root, int n) throws Exception {
        List<TaskConfig> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(DockerBenchSupport.task(root, "c" + i, SLEEPER));
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<String>> runs = tasks.stream()
                .map(t -> CompletableFuture.supplyAsync(() -> run(t), launchers))
                .toList();
        List<String> ids = new ArrayList<>();
        Exception failed = null;
        for (CompletableFuture<String> r : runs) {
            try {
                ids.add(r.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                failed = failed == null ? e : failed;
            }
        }
        long took = System.nanoTime() - t0;
        remove(ids);
        if (failed != null) {
            throw failed;
        }
        return took;
    }

    private static String run(TaskConfig task) {
        try {
            return DockerStartBenchmark.cliRun(task);
        } catch (Exception e) {
            throw new IllegalStateException("docker run of " + task.id().taskName() + " failed: " + e, e);
        }
    }

    private static void remove(List<String> ids) throws Exception {
        if (ids.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("docker", "rm", "-f"));
        argv.addAll(ids);
        Process p = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("docker rm -f of " + ids.size() + " containers failed");
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** When each task of each allocation reported Started. */
    private static final class StartedTasks implements RunnerListener {
        private final Map<String, Map<String, Long>> byAlloc = new ConcurrentHashMap<>();

        @Override
        public void onEvent(TaskId task, TaskEvent event) {
            if (event.type() == TaskEventType.STARTED) {
                byAlloc.computeIfAbsent(task.allocId(), k -> new ConcurrentHashMap<>())
                        .putIfAbsent(task.taskName(), System.nanoTime());
            }
        }

        int count(String allocId) {
            return byAlloc.getOrDefault(allocId, Map.of()).size();
        }

        long last(String allocId) {
            return Objects.requireNonNull(byAlloc.get(allocId), () -> "no task of allocation " + allocId + " started")
                    .values()
                    .stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
        }

        void forget(String allocId) {
            byAlloc.remove(allocId);
        }
    }
}
