package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What 1,000 running raw_exec tasks cost the JVM that supervises them: threads added (a count) and heap held per
 * task, measured before and after starting them in one run.
 */
public final class RawExecScaleBenchmark implements Benchmark {
    private static final int TASKS = 1000;

    @Override
    public String name() {
        return "raw-exec-scale";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("raw-exec-scale-bench");
        List<TaskConfig> tasks = new ArrayList<>();
        List<StartResult> started = new ArrayList<>();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Driver driver = new RawExecDriverFactory().create(DriverContext.of(root.resolve("data")))) {
            // one task first, so the driver's own poller thread is counted in the baseline
            TaskConfig first = RawExecBenchTasks.task(root, "warm", List.of("/bin/true"));
            StartResult warm = driver.start(first, EventEmitter.NONE);
            warm.handle().exitFuture().get(10, TimeUnit.SECONDS);
            driver.cleanup(first, warm.created());
            int threadsBefore = Thread.activeCount();
            long heapBefore = usedHeapAfterGc(memory);
            for (int i = 0; i < TASKS; i++) {
                TaskConfig task = RawExecBenchTasks.task(root, "t" + i, List.of("sleep", "600"));
                tasks.add(task);
                started.add(driver.start(task, EventEmitter.NONE));
            }
            Thread.sleep(Duration.ofSeconds(2).toMillis()); // let the poller run its housekeeping over all tasks
            int threadsAdded = Thread.activeCount() - threadsBefore;
            long heapPerTask = (usedHeapAfterGc(memory) - heapBefore) / TASKS;
            for (int i = 0; i < TASKS; i++) {
                started.get(i).handle().stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
                driver.cleanup(tasks.get(i), started.get(i).created());
            }
            return List.of(
                    new Figure(
                            name(),
                            "JVM threads added by " + TASKS + " running tasks",
                            threadsAdded,
                            "count",
                            "<= 2",
                            threadsAdded <= 2,
                            threadsBefore + " threads before"),
                    new Figure(
                            name(),
                            "heap held per running task",
                            heapPerTask,
                            "bytes",
                            "",
                            true,
                            String.format(
                                    Locale.ROOT,
                                    "%d tasks, used heap after GC grew by %.1f MiB",
                                    TASKS,
                                    heapPerTask * (double) TASKS / (1 << 20))));
        } finally {
            RawExecBenchTasks.deleteTree(root);
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
