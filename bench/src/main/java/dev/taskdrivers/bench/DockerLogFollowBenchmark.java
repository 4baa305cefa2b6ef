package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.runner.LogOrigin;
import dev.taskdrivers.runner.TaskLogs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How long a line a container writes takes to reach a reader following the task's log files: the benchmark writes a
 * number into a FIFO in the alloc directory, the container echoes it to stdout, the engine hands it to the
 * driver's collector, which writes the file that {@link TaskLogs} follows. Measured on the host clock alone.
 */
final class DockerLogFollowBenchmark implements Benchmark {
    private static final int SAMPLES = 500;

    @Override
    public String name() {
        return "docker-log-follow";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("bench-docker-follow");
        try (Driver driver = DockerBenchSupport.driver(root.resolve("driver"))) {
            Map<String, Object> task = Map.of(
                    "image",
                    DockerBenchSupport.LOCAL_IMAGE,
                    "command",
                    "/bin/sh",
                    "args",
                    List.of("-c", "exec 3</alloc/lines; while read -r n <&3; do echo $n; done"));
            TaskConfig config = DockerBenchSupport.task(root, "echo", task);
            Path fifo = config.dirs().allocDir().resolve("lines");
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
            if (mkfifo.waitFor() != 0) {
                throw new IllegalStateException("mkfifo " + fifo + " failed");
            }
            DockerBenchSupport.Started run = DockerBenchSupport.start(driver, config);
            long[] latencies = new long[SAMPLES];
            try (OutputStream lines = Files.newOutputStream(fifo);
                    InputStream followed = TaskLogs.of(run.task().dirs().logsDir(), "echo")
                            .open(LogStream.STDOUT, LogOrigin.START, 0, true);
                    BufferedReader reader =
                            new BufferedReader(new InputStreamReader(followed, StandardCharsets.US_ASCII))) {
                for (int i = -20; i < SAMPLES; i++) { // the first 20 warm up and are not counted
                    long t0 = System.nanoTime();
                    lines.write((i + "\n").getBytes(StandardCharsets.US_ASCII));
                    lines.flush();
                    String echoed = reader.readLine();
                    long t1 = System.nanoTime();
                    if (!Integer.toString(i).equals(echoed)) {
                        throw new IllegalStateException("expected " + i + ", read " + echoed);
                    }
                    if (i >= 0) {
                        latencies[i] = t1 - t0;
                    }
                    Thread.sleep(10);
                }
            } finally {
                run.stopAndCleanup(driver);
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            double p50 = sorted[SAMPLES / 2] / 1e6;
            double p99 = sorted[(int) Math.ceil(SAMPLES * 0.99) - 1] / 1e6;
            return List.of(new Figure(
                    name(),
                    "container write -> reader following alloc/logs (p99)",
                    p99,
                    "ms",
                    "<= 100 ms",
                    p99 <= 100,
                    String.format(
                            "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d lines",
                            p50, p99, sorted[SAMPLES - 1] / 1e6, SAMPLES)));
        } finally {
            DockerLogsBenchmark.deleteTree(root);
        }
    }
}
