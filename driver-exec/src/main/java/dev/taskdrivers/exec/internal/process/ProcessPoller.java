package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every supervised task of a driver: no thread and no child process per task, and a cost while tasks idle
 * that grows by a bounded slice per second, not with every task.
 *
 * <p>Exits are learned from file events: a supervisor records a task's end by renaming its exit file into place,
 * and one thread blocked on the kernel's events ({@link ExitFileEvents}) completes the task's future at once. A
 * directory without events is listed instead every {@code exitInterval}, and only when its time stamp changed
 * ({@link ExitDirectory}); every directory is also looked at that way once a round, as a backstop.
 *
 * <p>Every {@code housekeepingInterval} (a round) one thread rotates logs and checks supervisors:
 * <ul>
 *   <li>each distinct supervisor is checked once: a fork server supervises many tasks;</li>
 *   <li>logs that grew since their last check are checked every round, the others in turn, at most
 *       {@value #LOG_CHECKS_PER_ROUND} tasks' logs a round (all of them every round up to that many tasks);</li>
 *   <li>a task just watched has its logs checked in one of its first rounds, at most
 *       {@value #LOG_CHECKS_PER_ROUND} new tasks a round in the order they came: a runner reattaching thousands of
 *       tasks at once is not slowed down by a round that lists every task's log directory meanwhile;</li>
 *   <li>whether a task is still running is checked in turn, {@value #LIVENESS_CHECKS_PER_ROUND} tasks a round, and
 *       every round for a task seen gone without a status or whose supervisor is gone: a task whose supervisor was
 *       killed cannot report an exit status, so it is reported as failed once the task is gone.</li>
 * </ul>
 * Futures are completed on the common pool so slow callbacks do not hold up either thread.
 */
public final class ProcessPoller implements AutoCloseable {
    private static final int MAX_ROTATIONS_AT_ONCE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessPoller.class);

    /** Housekeeping rounds a task may be gone (reaped), its supervisor alive, before its status counts as lost. */
    private static final int ROUNDS_BEFORE_STATUS_LOST = 5;
    /** How long {@link #close()} waits for a round in progress. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /** The poller's one thread, once started. */
    private volatile @Nullable Thread pollerThread;

    /** Tasks whose logs are checked a round besides those that grew: about 2 file sizes each. */
    static final int LOG_CHECKS_PER_ROUND = 250;
    /** Tasks checked a round for having ended without a status (a process table read each). */
    static final int LIVENESS_CHECKS_PER_ROUND = 50;
    /** Suspect tasks (gone without a status, or orphaned by their supervisor) checked at most a round. */
    private static final int SUSPECT_CHECKS_PER_ROUND = 1000;

    private final ScheduledExecutorService executor;
    private final Map<Path, Watch> watches = new ConcurrentHashMap<>();
    private final Map<Path, ExitDirectory> directories = new ConcurrentHashMap<>();
    private final ExitFileEvents events;
    private final Duration exitInterval;
    private final int logChecksPerRound;
    private final int livenessChecksPerRound;
    private boolean listingScheduled;

    // owned by the poller thread
    private final Queue<Watch> added = new ConcurrentLinkedQueue<>();
    private final List<Watch> all = new ArrayList<>();
    private final Queue<Watch> unchecked = new ArrayDeque<>();
    private final Set<Watch> growingLogs = new LinkedHashSet<>();
    private final Set<Watch> suspects = new LinkedHashSet<>();
    private final RoundRobin logTurn = new RoundRobin();
    private final RoundRobin livenessTurn = new RoundRobin();
    private final Set<ProcessIdentity> deadSupervisors = new HashSet<>();

    /**
     * @param exitInterval how often a directory without file events is looked at for exit files
     * @param housekeepingInterval how often logs are rotated and supervisors checked
     */
    public ProcessPoller(Duration exitInterval, Duration housekeepingInterval) {
        this(exitInterval, housekeepingInterval, LOG_CHECKS_PER_ROUND, LIVENESS_CHECKS_PER_ROUND);
    }

    /** With other slices per round than {@value #LOG_CHECKS_PER_ROUND} and {@value #LIVENESS_CHECKS_PER_ROUND}. */
    ProcessPoller(
            Duration exitInterval, Duration housekeepingInterval, int logChecksPerRound, int livenessChecksPerRound) {
        this.logChecksPerRound = logChecksPerRound;
        this.livenessChecksPerRound = livenessChecksPerRound;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "taskdrivers-process-poller");
            thread.setDaemon(true);
            pollerThread = thread;
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a closed poller runs no pending deadline
        this.executor = pool;
        this.exitInterval = exitInterval;
        this.events = new ExitFileEvents(
                this::fileAppeared, this::eventsLost, () -> onPollerThread(this::listAllDirectories));
        executor.scheduleWithFixedDelay(
                this::round, housekeepingInterval.toMillis(), housekeepingInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A poller looking at directories without file events every 50 ms, and at logs and supervisors every second. */
    public static ProcessPoller withDefaults() {
        return new ProcessPoller(Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /**
     * Starts watching {@code task}; returns the future completed when it ends. Watching a task already watched
     * returns the same future.
     */
    public CompletableFuture<ExitResult> watch(SupervisedTask task, List<RotatingLogFile> logs) {
        Watch watch = watches.computeIfAbsent(task.exitFile(), f -> {
            Watch created = new Watch(task, List.copyOf(logs));
            added.add(created);
            return created;
        });
        // events start now: a status recorded before (a task that ended while no JVM watched) is looked for once
        directory(Objects.requireNonNull(task.exitFile().getParent(), "an exit file lies in a directory"));
        if (Files.exists(task.exitFile())) {
            finish(task.exitFile());
        }
        return watch.future;
    }

    /** Stops watching {@code task}; its future stays incomplete if it had not ended. */
    public void unwatch(SupervisedTask task) {
        Watch watch = watches.remove(task.exitFile());
        if (watch != null) {
            watch.done = true;
        }
    }

    /** Runs one round now, on the poller thread, and returns when it is over. */
    void runRound() throws Exception {
        executor.submit(this::round).get();
    }

    /** How many tasks are watched. */
    public int watched() {
        return watches.size();
    }

    /** Runs {@code action} on the poller thread after {@code delay}; for kill deadlines. */
    public void schedule(Runnable action, Duration delay) {
        executor.schedule(
                () -> {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.warn("scheduled process action failed", e);
                    }
                },
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the poller's threads. Tasks keep running; their futures stay incomplete. A round in progress ends first
     * (up to {@link #CLOSE_WAIT}), so no log is left half rotated and nothing is written once this returns.
     * Idempotent.
     */
    @Override
    public void close() {
        executor.shutdown(); // no round starts after this one
        events.close();
        if (Thread.currentThread() == pollerThread) {
            return; // closed by its own round: that round ends when this returns
        }
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the process poller's round did not end within {}; interrupting it", CLOSE_WAIT);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} soon on the poller thread, unless the poller is closed. */
    private void onPollerThread(Runnable action) {
        try {
            executor.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("poller closed; not running {}", action);
        }
    }

    private ExitDirectory directory(Path dir) {
        ExitDirectory known = directories.get(dir);
        if (known != null) {
            return known;
        }
        synchronized (directories) {
            return directories.computeIfAbsent(dir, d -> {
                ExitDirectory created = new ExitDirectory(d, events.watch(d));
                if (!created.evented()) {
                    scheduleListing();
                }
                return created;
            });
        }
    }

    private void fileAppeared(Path file) {
        if (watches.containsKey(file)) {
            finish(file);
        }
    }

    private void eventsLost(Path dir) {
        ExitDirectory directory = directories.get(dir);
        if (directory != null) {
            LOG.debug("file events for {} stopped; listing it instead", dir);
            directory.eventsLost();
            scheduleListing();
        }
    }

    /** Lists directories without file events every exitInterval, from the first such directory on. */
    private void scheduleListing() {
        synchronized (directories) {
            if (listingScheduled || executor.isShutdown()) {
                return;
            }
            listingScheduled = true;
        }
        onPollerThread(() -> executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        for (ExitDirectory dir : directories.values()) {
                            if (!dir.evented()) {
                                dir.listIfChanged().ifPresent(names -> finishListed(dir.path(), names));
                            }
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("listing exit directories failed", e);
                    }
                },
                exitInterval.toMillis(),
                exitInterval.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    private void listAllDirectories() {
        for (ExitDirectory dir : directories.values()) {
            finishListed(dir.path(), dir.list());
        }
    }

    private void finishListed(Path dir, Set<String> names) {
        for (Path exitFile : watches.keySet()) {
            if (dir.equals(exitFile.getParent())
                    && names.contains(exitFile.getFileName().toString())) {
                finish(exitFile);
            }
        }
    }

    private void round() {
        try {
            for (Watch w; (w = added.poll()) != null; ) {
                all.add(w);
                unchecked.add(w); // a new task's first output is checked soon
            }
            all.removeIf(w -> w.done);
            growingLogs.removeIf(w -> w.done);
            suspects.removeIf(w -> w.done);
            if (all.isEmpty()) {
                deadSupervisors.clear();
            }
            if (all.isEmpty()) {
                return;
            }
            for (ExitDirectory dir : directories.values()) {
                dir.listIfChanged().ifPresent(names -> finishListed(dir.path(), names));
            }
            rotateLogs();
            checkLiveness();
        } catch (RuntimeException e) {
            LOG.warn("process poller round failed", e);
        }
    }

    private void rotateLogs() {
        Set<Watch> due = new LinkedHashSet<>(growingLogs);
        for (int i = 0; i < logChecksPerRound && !unchecked.isEmpty(); i++) {
            due.add(unchecked.remove());
        }
        due.addAll(logTurn.next(all, logChecksPerRound));
        for (Watch watch : due) {
            if (watch.done) {
                continue;
            }
            boolean grew = false;
            for (int i = 0; i < watch.logs.size(); i++) {
                RotatingLogFile log = watch.logs.get(i);
                try {
                    long size = size(log.currentFile());
                    grew |= size != watch.logSizes[i];
                    // a task that wrote several files' worth since the last check gets several rotations
                    for (int n = 0; n < MAX_ROTATIONS_AT_ONCE && size >= log.maxFileBytes() && log.rotate(); n++) {
                        size = size(log.currentFile());
                    }
                    watch.logSizes[i] = size;
                } catch (IOException e) {
                    LOG.warn("cannot rotate {}: {}", log.currentFile(), e.toString());
                }
            }
            if (grew) {
                growingLogs.add(watch);
            } else {
                growingLogs.remove(watch);
            }
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private void checkLiveness() {
        Map<ProcessIdentity, Boolean> supervisorAlive = new HashMap<>();
        Set<Watch> due = new LinkedHashSet<>();
        Iterator<Watch> suspected = suspects.iterator();
        while (suspected.hasNext() && due.size() < SUSPECT_CHECKS_PER_ROUND) {
            due.add(suspected.next());
        }
        due.addAll(livenessTurn.next(all, livenessChecksPerRound));
        suspectTasksOfDeadSupervisors(due, supervisorAlive);
        for (Watch watch : due) {
            if (watch.done) {
                continue;
            }
            SupervisedTask task = watch.task;
            boolean supervisorRunning = supervisorAlive.computeIfAbsent(task.supervisor(), ProcessIdentity::isRunning);
            if (task.task().isRunning()) {
                watch.roundsGoneWithoutStatus = 0;
                if (supervisorRunning) {
                    suspects.remove(watch);
                } else {
                    supervisorLost(watch);
                }
                continue;
            }
            if (Files.exists(task.exitFile())) {
                finish(task.exitFile());
                continue;
            }
            if (supervisorRunning && awaitsReaping(task.task())) {
                // ended, and its supervisor has yet to reap it and record the status (many tasks end at once)
                suspects.add(watch);
                watch.roundsGoneWithoutStatus = 0;
                continue;
            }
            if (!supervisorRunning) {
                supervisorLost(watch);
                if (watches.remove(task.exitFile(), watch)) {
                    complete(
                            watch,
                            ExitResult.failed("the task's supervisor was killed, so its exit status is" + " unknown"));
                }
                continue;
            }
            // a fork server outlives its tasks: a task gone this long without a status will not get one
            suspects.add(watch);
            if (++watch.roundsGoneWithoutStatus > ROUNDS_BEFORE_STATUS_LOST && watches.remove(task.exitFile(), watch)) {
                LOG.warn("task {} ended but its supervisor {} recorded no exit status", task.task(), task.supervisor());
                complete(watch, ExitResult.failed("the task ended but its exit status was not recorded"));
            }
        }
    }

    /**
     * Checks the supervisors of this round's tasks; every task of one found gone becomes a suspect at once, rather
     * than in its turn (a fork server supervises thousands).
     */
    private void suspectTasksOfDeadSupervisors(Set<Watch> due, Map<ProcessIdentity, Boolean> supervisorAlive) {
        for (Watch watch : due) {
            ProcessIdentity supervisor = watch.task.supervisor();
            if (!supervisorAlive.computeIfAbsent(supervisor, ProcessIdentity::isRunning)
                    && deadSupervisors.add(supervisor)) {
                for (Watch other : all) {
                    if (other.task.supervisor().equals(supervisor) && !other.done) {
                        suspects.add(other);
                    }
                }
            }
        }
    }

    /** Whether {@code task} ended but is still a zombie: its supervisor has not reaped it yet. */
    private static boolean awaitsReaping(ProcessIdentity task) {
        return ProcStat.read(task.pid())
                .filter(s -> s.startTicks() == task.startTicks() && !s.running())
                .isPresent();
    }

    private void supervisorLost(Watch watch) {
        suspects.add(watch);
        if (!watch.supervisorLost) {
            watch.supervisorLost = true;
            LOG.warn(
                    "supervisor {} of task {} is gone; its exit status will be unknown",
                    watch.task.supervisor(),
                    watch.task.task());
        }
    }

    private void finish(Path exitFile) {
        Watch watch = watches.remove(exitFile);
        if (watch != null) {
            ExitResult result =
                    ExitStatusFile.read(exitFile).orElse(ExitResult.failed("exit status file vanished: " + exitFile));
            complete(watch, result);
        }
    }

    private static void complete(Watch watch, ExitResult result) {
        watch.done = true;
        ForkJoinPool.commonPool().execute(() -> watch.future.complete(result));
    }

    private static final class Watch {
        final SupervisedTask task;
        final List<RotatingLogFile> logs;
        final long[] logSizes;
        final CompletableFuture<ExitResult> future = new CompletableFuture<>();
        volatile boolean done;
        boolean supervisorLost;
        int roundsGoneWithoutStatus;

        Watch(SupervisedTask task, List<RotatingLogFile> logs) {
            this.task = task;
            this.logs = logs;
            this.logSizes = new long[logs.size()];
        }
    }
}
