package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * raw_exec prestart+start of {@code /bin/true} against a bare {@link ProcessBuilder#start()} of the same program,
 * alternating in one run. raw_exec's start returns once the detached supervisor reports the task's pid.
 */
public final class RawExecStartBenchmark implements Benchmark {
    private static final List<String> TRUE = List.of("/bin/true");
    private static final int WARMUP = 30;
    private static final int ROUNDS = 200;

    @Override
    public String name() {
        return "raw-exec-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("raw-exec-start-bench");
        try (Driver driver = new RawExecDriverFactory().create(DriverContext.of(root.resolve("data")))) {
            long[] rawExec = new long[ROUNDS];
            long[] bare = new long[ROUNDS];
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long b = bareStart();
                long r = rawExecStart(driver, root, i);
                if (i >= 0) {
                    bare[i] = b;
                    rawExec[i] = r;
                }
            }
            double rawMedian = RawExecBenchTasks.median(rawExec);
            double bareMedian = RawExecBenchTasks.median(bare);
            double ratio = rawMedian / bareMedian;
            String detail = String.format(
                    Locale.ROOT,
                    "medians over %d rounds: raw_exec %.3f ms, bare %.3f ms",
                    ROUNDS,
                    rawMedian / 1e6,
                    bareMedian / 1e6);
            return List.of(new Figure(
                    name(),
                    "raw_exec prestart+start / bare ProcessBuilder start (median)",
                    ratio,
                    "x",
                    "<= 1.5x",
                    ratio <= 1.5,
                    detail));
        } finally {
            RawExecBenchTasks.deleteTree(root);
        }
    }

    private static long bareStart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(TRUE)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        long begin = System.nanoTime();
        Process process = builder.start();
        long took = System.nanoTime() - begin;
        process.waitFor(10, TimeUnit.SECONDS);
        return took;
    }

    private static long rawExecStart(Driver driver, Path root, int i) throws Exception {
        TaskConfig task = RawExecBenchTasks.task(root, "t" + (i + WARMUP), TRUE);
        long begin = System.nanoTime();
        driver.prestart(task, EventEmitter.NONE);
        StartResult started = driver.start(task, EventEmitter.NONE);
        long took = System.nanoTime() - begin;
        started.handle().exitFuture().get(10, TimeUnit.SECONDS);
        started.handle().close();
        driver.cleanup(task, started.created());
        return took;
    }
}
