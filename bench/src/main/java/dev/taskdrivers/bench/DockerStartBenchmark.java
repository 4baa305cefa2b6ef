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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Task start on one engine, image present, side by side: the SDK (prestart + start + inspect) against the same
 * container created, started and inspected with bare docker-java calls, and against {@code docker run -d}.
 */
public final class DockerStartBenchmark implements Benchmark {
    private static final int ROUNDS = 15;
    private static final int WARMUP = 3;

    @Override
    public String name() {
        return "docker-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-start");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerClient bare = DockerClientImpl.getInstance(config,
                new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
        long[] sdk = new long[ROUNDS];
        long[] javaCalls = new long[ROUNDS];
        long[] cli = new long[ROUNDS];
        try (Driver driver = DockerBenchSupport.driver(root.resolve("data"))) {
            Map<String, Object> sleeper = Map.of("image", DockerBenchSupport.LOCAL_IMAGE, "command", "/bin/sleep",
                    "args", List.of("600"));
            for (int i = -WARMUP; i < ROUNDS; i++) {
                // interleaved, in a rotating order, so drift and order effects hit all three alike
                long sdkTime = 0;
                long bareTime = 0;
                long cliTime = 0;
                for (int k = 0; k < 3; k++) {
                    int which = Math.floorMod(i + k, 3);
                    if (which == 0) {
                        TaskConfig task = DockerBenchSupport.task(root, "sdk", sleeper);
                        long t0 = System.nanoTime();
                        var started = DockerBenchSupport.start(driver, task);
                        sdkTime = System.nanoTime() - t0;
                        started.stopAndCleanup(driver);
                    } else if (which == 1) {
                        TaskConfig same = DockerBenchSupport.task(root, "bare", sleeper);
                        long t1 = System.nanoTime();
                        String id = bareStart(bare, same);
                        bareTime = System.nanoTime() - t1;
                        bare.removeContainerCmd(id).withForce(true).exec();
                    } else {
                        TaskConfig viaCli = DockerBenchSupport.task(root, "cli", sleeper);
                        long t2 = System.nanoTime();
                        String cliId = cliRun(viaCli);
                        cliTime = System.nanoTime() - t2;
                        bare.removeContainerCmd(cliId).withForce(true).exec();
                    }
                }
                if (i >= 0) {
                    sdk[i] = sdkTime;
                    javaCalls[i] = bareTime;
                    cli[i] = cliTime;
                }
            }
        } finally {
            bare.close();
        }
        double s = DockerBenchSupport.median(sdk);
        double b = DockerBenchSupport.median(javaCalls);
        double c = DockerBenchSupport.median(cli);
        String detail = "medians of " + ROUNDS + ": SDK " + DockerBenchSupport.ms(s) + ", docker-java "
                + DockerBenchSupport.ms(b) + ", docker run -d " + DockerBenchSupport.ms(c);
        return List.of(
                new Figure(name(), "SDK start / bare docker-java create+start+inspect (median)", s / b, "x",
                        "<= 1.1x", s / b <= 1.1, detail),
                new Figure(name(), "SDK start / `docker run -d` CLI (median)", s / c, "x", "<= 1.0x", s / c <= 1.0,
                        detail));
    }

    /** The container the SDK would create (name, labels, env, limits, task dirs), with docker-java alone. */
    private static String bareStart(DockerClient docker, TaskConfig task) {
        HostConfig host = HostConfig.newHostConfig().withMemory(300L << 20).withMemorySwap(300L << 20)
                .withCpuShares(100).withNetworkMode("bridge").withBinds(
                        new Bind(task.dirs().allocDir().toString(), new Volume("/alloc")),
                        new Bind(task.dirs().localDir().toString(), new Volume("/local")),
                        new Bind(task.dirs().secretsDir().toString(), new Volume("/secrets")));
        String id = docker.createContainerCmd(DockerBenchSupport.LOCAL_IMAGE)
                .withName(task.id().taskName() + "-" + task.id().allocId())
                .withLabels(Map.of("bench", "bare")).withEnv("NOMAD_TASK_DIR=/local")
                .withEntrypoint("/bin/sleep").withCmd("600").withHostConfig(host).exec().getId();
        docker.startContainerCmd(id).exec();
        docker.inspectContainerCmd(id).exec();
        return id;
    }

    private static String cliRun(TaskConfig task) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--name",
                task.id().taskName() + "-" + task.id().allocId() + "-" + UUID.randomUUID().toString().substring(0, 4),
                "--label", "bench=cli", "-e", "NOMAD_TASK_DIR=/local", "-m", "300m", "--memory-swap", "300m",
                "--cpu-shares", "100",
                "-v", task.dirs().allocDir() + ":/alloc", "-v", task.dirs().localDir() + ":/local",
                "-v", task.dirs().secretsDir() + ":/secrets",
                "--entrypoint", "/bin/sleep", DockerBenchSupport.LOCAL_IMAGE, "600"));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String id = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || id.isEmpty()) {
            throw new IllegalStateException("docker run failed with exit code " + p.exitValue());
        }
        return id;
    }
}
