package dev.taskdrivers.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.docker.internal.ContainerLogCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A container writing 200 MiB to stdout: every byte must reach the task's log files; the driver's collector drains
 * the engine's log of the finished container (as after a reattach, from the start) against {@code docker logs}
 * reading the same output to /dev/null.
 */
final class DockerLogsBenchmark implements Benchmark {
    static final long BYTES = 200L * 1024 * 1024;
    private static final int ROUNDS = 3;

    @Override
    public String name() {
        return "docker-logs";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-logs");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerClient docker = DockerClientImpl.getInstance(
                config,
                new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost())
                        .build());
        try (Driver driver = DockerBenchSupport.driver(root.resolve("driver"))) {
            // the engine's own log uncapped, so docker logs can read all of it afterwards
            Map<String, Object> task = Map.of(
                    "image",
                    DockerBenchSupport.LOCAL_IMAGE,
                    "command",
                    "/bin/sh",
                    "args",
                    List.of("-c", "busybox yes " + "x".repeat(99) + " | busybox head -c " + BYTES),
                    "logging",
                    Map.of("type", "json-file"));
            TaskConfig config0 = DockerBenchSupport.task(root, "writer", task).withLogs(LogConfig.of(30, 10));
            long started = System.nanoTime();
            DockerBenchSupport.Started run = DockerBenchSupport.start(driver, config0);
            run.result().handle().exitFuture().get(10, TimeUnit.MINUTES);
            long live = System.nanoTime() - started;
            String container = run.result().created().get("container").get(0);
            long collected = size(run.task().dirs().logsDir(), "writer");
            try {
                long[] sdk = new long[ROUNDS];
                long[] cli = new long[ROUNDS];
                long replayed = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    cli[r] = dockerLogs(container);
                    Path scratch = Files.createDirectories(root.resolve("replay" + r));
                    long t0 = System.nanoTime();
                    ContainerLogCollector c = ContainerLogCollector.start(
                            docker,
                            container,
                            false,
                            scratch,
                            "writer",
                            LogConfig.of(30, 10),
                            scratch.resolve("position"));
                    c.finished().get(10, TimeUnit.MINUTES);
                    sdk[r] = System.nanoTime() - t0;
                    replayed = size(scratch, "writer");
                    deleteTree(scratch);
                }
                double ratio = DockerBenchSupport.median(sdk) / DockerBenchSupport.median(cli);
                return List.of(
                        new Figure(
                                name(),
                                "bytes of a 200 MiB stdout in alloc/logs (live collection)",
                                collected,
                                "count",
                                "== " + BYTES,
                                collected == BYTES,
                                "container ran and was collected in " + ms(live) + " ms"),
                        new Figure(
                                name(),
                                "collector draining 200 MiB into rotated files / docker logs to /dev/null (median)",
                                ratio,
                                "x",
                                "<= 1.2x",
                                ratio <= 1.2 && replayed == BYTES,
                                "collector " + ms(DockerBenchSupport.median(sdk)) + " ms, docker logs "
                                        + ms(DockerBenchSupport.median(cli)) + " ms, " + ROUNDS + " rounds; "
                                        + replayed + " bytes written"));
            } finally {
                run.stopAndCleanup(driver);
            }
        } finally {
            docker.close();
            deleteTree(root);
        }
    }

    private static long dockerLogs(String container) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("docker", "logs", container)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("docker logs " + container + " failed");
        }
        return System.nanoTime() - t0;
    }

    static long size(Path logsDir, String task) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(logsDir)) {
            for (Path p : files.filter(p -> p.getFileName()
                            .toString()
                            .startsWith(LogStream.STDOUT.fileName(task, 0).replace(".0", ".")))
                    .toList()) {
                total += Files.size(p);
            }
        }
        return total;
    }

    private static long ms(double nanos) {
        return Math.round(nanos / 1e6);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
