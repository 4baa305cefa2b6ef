package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.hostprocess.ProcessSignaller;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import dev.taskdrivers.hostprocess.UsageSampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controls one supervised task from this JVM: its exit future, signals, stop with a forced kill, and stats. Many of
 * them share one {@link ProcessPoller}; none holds a thread.
 */
public final class SupervisedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedProcess.class);

    private final SupervisedTask task;
    private final ProcessPoller poller;
    private final ProcessSignaller signaller;
    private final CompletableFuture<ExitResult> exit;
    private final UsageSampler stats;

    /** Starts watching {@code task} with {@code poller}, which also rotates {@code logs}. */
    public SupervisedProcess(
            SupervisedTask task, ProcessPoller poller, ProcessSignaller signaller, List<RotatingLogFile> logs) {
        this.task = task;
        this.poller = poller;
        this.signaller = signaller;
        this.exit = poller.watch(task, logs);
        this.stats = UsageSampler.ofTask(task.task());
    }

    public SupervisedTask task() {
        return task;
    }

    /** Completes once with how the task ended. */
    public CompletableFuture<ExitResult> exitFuture() {
        return exit;
    }

    /**
     * Sends {@code signal} to the task's process group.
     *
     * @return whether the task was still running
     */
    public boolean signal(int signal) {
        return !exit.isDone() && signaller.signalGroup(task.task(), signal);
    }

    /**
     * Sends {@code signal} to the task's group and, if it has not ended after {@code timeout}, SIGKILL to its group,
     * session and descendants, so no child outlives it.
     */
    public CompletableFuture<ExitResult> stop(Duration timeout, int signal) {
        if (exit.isDone()) {
            return exit;
        }
        if (timeout.isZero() || !signaller.signalGroup(task.task(), signal)) {
            forceKill();
            return exit;
        }
        poller.schedule(
                () -> {
                    if (!exit.isDone()) {
                        LOG.info(
                                "task {} still running {} after {}; killing it",
                                task.task(),
                                timeout,
                                Signals.name(signal));
                        forceKill();
                    }
                },
                timeout);
        return exit;
    }

    /** SIGKILL to everything of the task now. */
    public void forceKill() {
        signaller.killAll(task.task());
    }

    /** A resource usage sample of the task and its children. */
    public TaskStats stats() {
        return stats.sample().toTaskStats();
    }

    /** Stops watching from this JVM. The task keeps running. */
    public void close() {
        poller.unwatch(task);
    }
}
