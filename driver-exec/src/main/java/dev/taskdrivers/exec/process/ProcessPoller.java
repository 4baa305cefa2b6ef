package dev.taskdrivers.exec.process;

import dev.taskdrivers.api.ExitResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every supervised task of a driver with one thread: no thread and no child process per task.
 *
 * <p>Every {@code exitInterval} it lists the directories holding exit files (one directory read for all tasks
 * sharing it) and completes the futures of the tasks that ended. Every {@code housekeepingInterval} it rotates
 * logs and checks that supervisors are alive: a task whose supervisor was killed cannot report an exit status, so
 * it is reported as failed once the task is gone. Futures are completed on the common pool so slow callbacks do not
 * hold up the poller.
 */
public final class ProcessPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPoller.class);

    /** Housekeeping rounds a task may be gone, its supervisor alive, before its status counts as lost. */
    private static final int ROUNDS_BEFORE_STATUS_LOST = 5;

    private final ScheduledExecutorService executor;
    private final Map<Path, Watch> watches = new ConcurrentHashMap<>();
    private final long housekeepingEvery;
    private long ticks;

    /**
     * @param exitInterval how often exit files are looked for
     * @param housekeepingInterval how often logs are rotated and supervisors checked
     */
    public ProcessPoller(Duration exitInterval, Duration housekeepingInterval) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "taskdrivers-process-poller");
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
        this.housekeepingEvery = Math.max(1, housekeepingInterval.toMillis() / Math.max(1, exitInterval.toMillis()));
        executor.scheduleWithFixedDelay(this::tick, exitInterval.toMillis(), exitInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A poller checking exits every 50 ms and logs and supervisors every second. */
    public static ProcessPoller withDefaults() {
        return new ProcessPoller(Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /**
     * Starts watching {@code task}; returns the future completed when it ends. Watching a task already watched
     * returns the same future.
     */
    public CompletableFuture<ExitResult> watch(SupervisedTask task, List<RotatingLog> logs) {
        return watches.computeIfAbsent(task.exitFile(), f -> new Watch(task, List.copyOf(logs))).future;
    }

    /** Stops watching {@code task}; its future stays incomplete if it had not ended. */
    public void unwatch(SupervisedTask task) {
        watches.remove(task.exitFile());
    }

    /** How many tasks are watched. */
    public int watched() {
        return watches.size();
    }

    /** Runs {@code action} on the poller thread after {@code delay}; for kill deadlines. */
    public void schedule(Runnable action, Duration delay) {
        executor.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("scheduled process action failed", e);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the poller thread. Tasks keep running; their futures stay incomplete. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private void tick() {
        try {
            if (watches.isEmpty()) {
                return;
            }
            collectExits();
            if (++ticks % housekeepingEvery == 0) {
                housekeeping();
            }
        } catch (RuntimeException e) {
            LOG.warn("process poller tick failed", e);
        }
    }

    private void collectExits() {
        Map<Path, Set<String>> byDir = new HashMap<>();
        for (Path exitFile : watches.keySet()) {
            Set<String> names = byDir.computeIfAbsent(exitFile.getParent(), ProcessPoller::list);
            if (names.contains(exitFile.getFileName().toString())) {
                finish(exitFile);
            }
        }
    }

    private void housekeeping() {
        for (Watch watch : watches.values()) {
            for (RotatingLog log : watch.logs) {
                try {
                    log.rotateIfFull();
                } catch (IOException e) {
                    LOG.warn("cannot rotate {}: {}", log.base(), e.toString());
                }
            }
            if (watch.task.supervisor().isRunning() && Files.notExists(watch.task.exitFile())
                    && !watch.task.task().isRunning()) {
                // a fork server outlives its tasks: a task gone this long without a status will not get one
                if (++watch.roundsGoneWithoutStatus > ROUNDS_BEFORE_STATUS_LOST
                        && watches.remove(watch.task.exitFile(), watch)) {
                    LOG.warn("task {} ended but its supervisor {} recorded no exit status", watch.task.task(),
                            watch.task.supervisor());
                    complete(watch, ExitResult.failed("the task ended but its exit status was not recorded"));
                }
                continue;
            }
            if (!watch.task.supervisor().isRunning() && Files.notExists(watch.task.exitFile())) {
                if (!watch.supervisorLost) {
                    watch.supervisorLost = true;
                    LOG.warn("supervisor {} of task {} is gone; its exit status will be unknown",
                            watch.task.supervisor(), watch.task.task());
                }
                if (!watch.task.task().isRunning() && watches.remove(watch.task.exitFile(), watch)) {
                    complete(watch, ExitResult.failed("the task's supervisor was killed, so its exit status is"
                            + " unknown"));
                }
            }
        }
    }

    private void finish(Path exitFile) {
        Watch watch = watches.remove(exitFile);
        if (watch != null) {
            ExitResult result = ExitStatusFile.read(exitFile)
                    .orElse(ExitResult.failed("exit status file vanished: " + exitFile));
            complete(watch, result);
        }
    }

    private static void complete(Watch watch, ExitResult result) {
        ForkJoinPool.commonPool().execute(() -> watch.future.complete(result));
    }

    private static Set<String> list(Path dir) {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
        }
        return names;
    }

    private static final class Watch {
        final SupervisedTask task;
        final List<RotatingLog> logs;
        final CompletableFuture<ExitResult> future = new CompletableFuture<>();
        volatile boolean supervisorLost;
        int roundsGoneWithoutStatus;

        Watch(SupervisedTask task, List<RotatingLog> logs) {
            this.task = task;
            this.logs = logs;
        }
    }
}
