package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.runner.spec.RestartPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a new bridge allocation's network before its tasks are prepared. A recoverable driver failure (the engine
 * briefly unavailable) is tried again as the group's restart policy allows a failed task to restart (attempts within
 * the interval, after the delay; mode {@code delay} waits for the next interval), each wait told to every task by a
 * Waiting event with the driver's error; a fatal failure, or one the policy allows no more tries for, ends every task
 * with a Setup Failure event saying why. Tasks killed while it waits end without starting. Whatever the driver left
 * of a failed try is removed with the allocation's network once its tasks ended.
 */
final class GroupNetworkSetup {
    private static final Logger LOG = LoggerFactory.getLogger(GroupNetworkSetup.class);

    private final RunnerContext ctx;
    private final String allocId;
    private final GroupNetworkLink network;
    private final List<TaskSupervisor> tasks;
    private final Runnable onCreated;
    /** Not thread-safe: used by one try at a time. */
    private final RestartTracker tries;

    // guarded by this
    private @Nullable ScheduledFuture<?> next;
    /** Created, given up, or every task stopped: no more tries. */
    private boolean over;

    private int failures;

    /**
     * @param onCreated runs on the pool thread that created the network: prepares and starts the tasks
     */
    GroupNetworkSetup(
            RunnerContext ctx,
            String allocId,
            GroupNetworkLink network,
            List<TaskSupervisor> tasks,
            RestartPolicy policy,
            Runnable onCreated) {
        this.ctx = ctx;
        this.allocId = allocId;
        this.network = network;
        this.tasks = List.copyOf(tasks);
        this.onCreated = onCreated;
        this.tries = new RestartTracker(policy, null, 0);
    }

    /** Makes the first try on the runner's pool. */
    void start() {
        ctx.blocking().execute(this::attempt);
    }

    /** Whether the tasks wait for a try that is scheduled, not running: a task killed now ends at once. */
    synchronized boolean waiting() {
        return next != null && !over;
    }

    /** Stops trying: the runner lets go of the allocation (the next one sets the network up when it starts a task). */
    synchronized void cancel() {
        over = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private void attempt() {
        synchronized (this) {
            next = null;
            if (over) {
                return;
            }
        }
        if (tasks.stream().allMatch(TaskSupervisor::stopRequested)) {
            endStopped();
            return;
        }
        try {
            network.create(tasks.stream().map(t -> t.baseConfig(Map.of())).toList());
        } catch (DriverException e) {
            failed(e);
            return;
        } catch (RuntimeException e) { // e.g. a config that cannot be built: no try would do better
            giveUp("failed to set up the group's network: " + e, Map.of("recoverable", "false"));
            return;
        }
        synchronized (this) {
            over = true;
        }
        tasks.forEach(t -> t.persist(false)); // the network's id is on disk before any task joins it
        onCreated.run();
    }

    private void failed(DriverException e) {
        failures++;
        Map<String, String> details = Map.of(
                "error_code",
                e.code().name(),
                "recoverable",
                Boolean.toString(e.isRecoverable()),
                "attempt",
                Integer.toString(failures));
        String cause = "failed to set up the group's network: " + e.getMessage();
        if (!e.isRecoverable()) {
            giveUp(cause, details);
            return;
        }
        if (tasks.stream().allMatch(TaskSupervisor::stopRequested)) {
            endStopped();
            return;
        }
        RestartTracker.Decision decision = tries.onFailure(Instant.now());
        if (!decision.restart()) {
            giveUp(cause + "; not trying again: " + decision.message(), details);
            return;
        }
        String message = "Waiting for the group's network: " + cause + "; trying again in "
                + RestartTracker.format(decision.delay());
        LOG.warn("allocation {}: {}", allocId, message);
        tasks.forEach(t -> t.waiting(message, details));
        synchronized (this) {
            if (over) {
                return;
            }
            try {
                next = ctx.scheduler()
                        .schedule(this::attemptOnPool, decision.delay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException ex) {
                over = true; // the runner is closing: the next one sets the network up
            }
        }
    }

    private void attemptOnPool() {
        try {
            ctx.blocking().execute(this::attempt);
        } catch (RejectedExecutionException e) {
            // the runner is closing: the next one sets the network up when it starts a task
        }
    }

    private void giveUp(String message, Map<String, String> details) {
        synchronized (this) {
            over = true;
        }
        LOG.error("allocation {}: {}", allocId, message);
        tasks.forEach(t -> t.failSetup(message, details));
    }

    /** Every task was stopped while the network was being set up: they end without starting. */
    private void endStopped() {
        synchronized (this) {
            over = true;
        }
        tasks.forEach(TaskSupervisor::endUnstarted);
    }
}
