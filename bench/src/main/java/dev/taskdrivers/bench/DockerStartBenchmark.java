package dev.taskdrivers.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task start on one engine, image present, side by side: the SDK (prestart + start + inspect) against the same
 * container (same name scheme, labels, environment, limits, mounts, stop timeout) created, started and inspected with
 * bare docker-java calls, and against {@code docker run -d}. Rounds alternate the order of the three. A second,
 * shorter phase sends the SDK and docker-java through a timing proxy to show each engine call a start makes and the
 * time spent outside engine calls.
 */
public final class DockerStartBenchmark implements Benchmark {
    private static final int ROUNDS = 30;
    private static final int WARMUP = 3;
    private static final int TIMED_ROUNDS = 6;
    private static final Path ENGINE_SOCKET = Path.of("/var/run/docker.sock");
    private static final Map<String, Object> SLEEPER =
            Map.of("image", DockerBenchSupport.LOCAL_IMAGE, "command", "/bin/sleep", "args", List.of("600"));

    @Override
    public String name() {
        return "docker-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-start");
        long[] sdk = new long[ROUNDS];
        long[] javaCalls = new long[ROUNDS];
        long[] cli = new long[ROUNDS];
        try (DockerClient bare = client("unix://" + ENGINE_SOCKET);
                Driver driver = DockerBenchSupport.driver(root.resolve("data"))) {
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long[] took = new long[3];
                // rotating order, so drift and order effects hit all three alike
                for (int k = 0; k < 3; k++) {
                    int which = Math.floorMod(i + k, 3);
                    took[which] = which == 0
                            ? sdkStart(driver, root)
                            : which == 1 ? bareStart(bare, root) : cliStart(bare, root);
                }
                if (i >= 0) {
                    sdk[i] = took[0];
                    javaCalls[i] = took[1];
                    cli[i] = took[2];
                }
            }
        }
        String breakdown = timedBreakdown(root);
        // each round's three starts ran back to back, so their ratio cancels the load drifting between rounds
        double toBare = DockerBenchSupport.median(ratios(sdk, javaCalls));
        double toCli = DockerBenchSupport.median(ratios(sdk, cli));
        String detail = "medians of " + ROUNDS + " rounds: SDK " + DockerBenchSupport.ms(DockerBenchSupport.median(sdk))
                + ", docker-java " + DockerBenchSupport.ms(DockerBenchSupport.median(javaCalls)) + ", docker run -d "
                + DockerBenchSupport.ms(DockerBenchSupport.median(cli)) + "; " + breakdown;
        return List.of(
                new Figure(
                        name(),
                        "SDK start / bare docker-java create+start+inspect (median of rounds)",
                        toBare,
                        "x",
                        "<= 1.1x",
                        toBare <= 1.1,
                        detail),
                new Figure(
                        name(),
                        "SDK start / `docker run -d` CLI (median of rounds)",
                        toCli,
                        "x",
                        "<= 1.0x",
                        toCli <= 1.0,
                        detail));
    }

    private static double[] ratios(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / (double) b[i];
        }
        return r;
    }

    private static DockerClient client(String endpoint) {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint)
                .build();
        return DockerClientImpl.getInstance(
                config,
                new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost())
                        .build());
    }

    private static long sdkStart(Driver driver, Path root) throws Exception {
        TaskConfig task = DockerBenchSupport.task(root, "sdk", SLEEPER);
        long t0 = System.nanoTime();
        var started = DockerBenchSupport.start(driver, task);
        long took = System.nanoTime() - t0;
        started.stopAndCleanup(driver);
        return took;
    }

    private static long bareStart(DockerClient docker, Path root) throws Exception {
        TaskConfig task = DockerBenchSupport.task(root, "bare", SLEEPER);
        long t0 = System.nanoTime();
        String id = bareCreateStartInspect(docker, task);
        long took = System.nanoTime() - t0;
        docker.removeContainerCmd(id).withForce(true).exec();
        return took;
    }

    private static long cliStart(DockerClient docker, Path root) throws Exception {
        TaskConfig task = DockerBenchSupport.task(root, "cli", SLEEPER);
        long t0 = System.nanoTime();
        String id = cliRun(task);
        long took = System.nanoTime() - t0;
        docker.removeContainerCmd(id).withForce(true).exec();
        return took;
    }

    /** The environment the SDK gives the task, so every path creates the same container. */
    private static Map<String, String> env(TaskConfig task) {
        return TaskEnvironment.builder(task.id())
                .dirs(task.dirs())
                .resources(task.resources())
                .overrides(Map.of(
                        "NOMAD_ALLOC_DIR", "/alloc", "NOMAD_TASK_DIR", "/local", "NOMAD_SECRETS_DIR", "/secrets"))
                .build();
    }

    /** As many labels as the SDK sets, of the same sizes, under a prefix the SDK does not watch. */
    private static Map<String, String> labels(TaskId id) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("bench.taskdrivers.managed", "true");
        labels.put("bench.taskdrivers.alloc_id", id.allocId());
        labels.put("bench.taskdrivers.task_name", id.taskName());
        labels.put("bench.taskdrivers.job_name", id.jobName());
        labels.put("bench.taskdrivers.image", DockerBenchSupport.LOCAL_IMAGE);
        return labels;
    }

    private static long memoryBytes(TaskConfig task) {
        return task.resources().memoryMb() * 1024L * 1024;
    }

    /** The container the SDK creates (name, labels, env, limits, task dirs, stop timeout), with docker-java alone. */
    private static String bareCreateStartInspect(DockerClient docker, TaskConfig task) {
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(memoryBytes(task))
                .withMemorySwap(memoryBytes(task))
                .withCpuShares(task.resources().cpuMhz())
                .withNetworkMode("bridge")
                .withPrivileged(false)
                .withInit(false)
                .withBinds(
                        new Bind(task.dirs().allocDir().toString(), new Volume("/alloc")),
                        new Bind(task.dirs().localDir().toString(), new Volume("/local")),
                        new Bind(task.dirs().secretsDir().toString(), new Volume("/secrets")));
        String id = docker.createContainerCmd(DockerBenchSupport.LOCAL_IMAGE)
                .withName(task.id().taskName() + "-" + task.id().allocId())
                .withLabels(labels(task.id()))
                .withEnv(env(task).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList())
                .withTty(false)
                .withStdinOpen(false)
                .withStopTimeout((int) Math.max(1, task.killTimeout().toSeconds()))
                .withEntrypoint("/bin/sleep")
                .withCmd("600")
                .withHostConfig(host)
                .exec()
                .getId();
        docker.startContainerCmd(id).exec();
        docker.inspectContainerCmd(id).exec();
        return id;
    }

    static String cliRun(TaskConfig task) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                "docker",
                "run",
                "-d",
                "--name",
                task.id().taskName() + "-" + task.id().allocId(),
                "-m",
                memoryBytes(task) + "b",
                "--memory-swap",
                memoryBytes(task) + "b",
                "--cpu-shares",
                String.valueOf(task.resources().cpuMhz()),
                "--stop-timeout",
                String.valueOf(Math.max(1, task.killTimeout().toSeconds())),
                "-v",
                task.dirs().allocDir() + ":/alloc",
                "-v",
                task.dirs().localDir() + ":/local",
                "-v",
                task.dirs().secretsDir() + ":/secrets",
                "--entrypoint",
                "/bin/sleep"));
        labels(task.id()).forEach((k, v) -> argv.addAll(List.of("--label", k + "=" + v)));
        env(task).forEach((k, v) -> argv.addAll(List.of("-e", k + "=" + v)));
        argv.addAll(List.of(DockerBenchSupport.LOCAL_IMAGE, "600"));
        Process p = new ProcessBuilder(argv)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String id = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || id.isEmpty()) {
            throw new IllegalStateException("docker run failed with exit code " + p.exitValue());
        }
        return id;
    }

    /**
     * Starts through the timing proxy: per path, each engine call a start makes (how many, median time) and the
     * median time spent outside engine calls (client-side work and waiting).
     */
    private static String timedBreakdown(Path root) throws Exception {
        Path socket = root.resolve("timed-docker.sock");
        List<List<DockerCallTimer.Call>> sdkCalls = new ArrayList<>();
        List<List<DockerCallTimer.Call>> bareCalls = new ArrayList<>();
        long[] sdkWall = new long[TIMED_ROUNDS];
        long[] bareWall = new long[TIMED_ROUNDS];
        try (DockerCallTimer timer = new DockerCallTimer(ENGINE_SOCKET, socket);
                DockerClient bare = client(timer.endpoint());
                Driver driver = DockerBenchSupport.driver(root.resolve("timed-data"), timer.endpoint())) {
            for (int i = -1; i < TIMED_ROUNDS; i++) { // round -1 warms the connections up
                for (int k = 0; k < 2; k++) {
                    boolean viaSdk = Math.floorMod(i + k, 2) == 0;
                    long t0 = System.nanoTime();
                    long took = viaSdk ? sdkStart(driver, root) : bareStart(bare, root);
                    List<DockerCallTimer.Call> calls = timer.callsBetween(t0, t0 + took);
                    timer.clear();
                    if (i >= 0) {
                        (viaSdk ? sdkCalls : bareCalls).add(calls);
                        (viaSdk ? sdkWall : bareWall)[i] = took;
                    }
                }
            }
        }
        return "per start through a timing proxy (" + TIMED_ROUNDS + " rounds, medians): SDK "
                + describe(sdkCalls, sdkWall) + "; docker-java " + describe(bareCalls, bareWall);
    }

    private static String describe(List<List<DockerCallTimer.Call>> rounds, long[] walls) {
        Map<String, List<Long>> byCall = new LinkedHashMap<>();
        long[] outside = new long[rounds.size()];
        for (int r = 0; r < rounds.size(); r++) {
            long inCalls = 0;
            for (DockerCallTimer.Call c : rounds.get(r)) {
                byCall.computeIfAbsent(c.what(), k -> new ArrayList<>()).add(c.nanos());
                inCalls += c.nanos();
            }
            outside[r] = walls[r] - inCalls;
        }
        StringBuilder out = new StringBuilder("[");
        byCall.forEach((what, times) -> out.append(String.format(
                Locale.ROOT,
                "%s %.1fx %s, ",
                what,
                times.size() / (double) rounds.size(),
                DockerBenchSupport.ms(DockerBenchSupport.median(
                        times.stream().mapToLong(Long::longValue).toArray())))));
        out.append("outside engine calls ")
                .append(DockerBenchSupport.ms(DockerBenchSupport.median(outside)))
                .append(", total ")
                .append(DockerBenchSupport.ms(DockerBenchSupport.median(walls)))
                .append(']');
        return out.toString();
    }
}
