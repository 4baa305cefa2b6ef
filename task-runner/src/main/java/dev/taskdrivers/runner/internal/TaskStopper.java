package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Stops a running task with its kill signal and kill timeout. A failed request is retried after the cleanup delays;
 * when every attempt failed the task is given up, so a stop always completes. Once the task ended for good, it has
 * the driver clean up what it created.
 */
final class TaskStopper {
    private final RunnerContext ctx;
    private final TaskSpec spec;
    private final TaskEvents events;
    private final Predicate<TaskHandle> stillHeld;
    private final BiConsumer<TaskHandle, String> giveUp;

    /**
     * @param stillHeld whether the task still holds {@code h}: a handle that ended meanwhile is not stopped again
     * @param giveUp lets go of a handle that could not be stopped, with the message saying why
     */
    TaskStopper(
            RunnerContext ctx,
            TaskSpec spec,
            TaskEvents events,
            Predicate<TaskHandle> stillHeld,
            BiConsumer<TaskHandle, String> giveUp) {
        this.ctx = ctx;
        this.spec = spec;
        this.events = events;
        this.stillHeld = stillHeld;
        this.giveUp = giveUp;
    }

    /** Emits Killing and asks the driver to stop {@code h} on the runner's pool. */
    void stop(TaskHandle h) {
        events.emit(
                TaskEventType.KILLING,
                killingMessage(),
                Map.of("kill_timeout_ms", Long.toString(spec.killTimeout().toMillis())));
        ctx.blocking().execute(() -> attemptStop(h, 0));
    }

    /**
     * Stops {@code h} after {@code delay} (its services are already removed): a Waiting for shutdown delay event
     * first, then the kill signal unless the task ended meanwhile. A zero delay stops it at once.
     */
    void stopAfter(TaskHandle h, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            stop(h);
            return;
        }
        events.emit(
                TaskEventType.WAITING_FOR_SHUTDOWN_DELAY,
                "Waiting for shutdown_delay of " + RestartTracker.format(delay) + " before killing the task",
                Map.of("shutdown_delay_ms", Long.toString(delay.toMillis())));
        var unused = ctx.scheduler() // the stop reports its own failures; nothing waits for this
                .schedule(
                        () -> ctx.blocking().execute(() -> {
                            if (stillHeld.test(h)) {
                                stop(h);
                            }
                        }),
                        delay.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    /**
     * Has the driver clean up {@code created} for task {@code id} (whose config {@code task} builds), retrying
     * recoverable failures; completes with whether that succeeded. Nothing to clean, or a driver no longer known,
     * completes at once.
     */
    CompletableFuture<Boolean> cleanup(TaskId id, CreatedResources created, Supplier<TaskConfig> task) {
        if (created.isEmpty() || !ctx.drivers().has(spec.driver())) {
            return CompletableFuture.completedFuture(true);
        }
        return new CleanupRetrier(ctx)
                .run(
                        "task " + id,
                        () -> Boundary.driverRun(
                                spec.driver(),
                                "cleanup",
                                () -> ctx.drivers().driver(spec.driver()).cleanup(task.get(), created)));
    }

    private void attemptStop(TaskHandle h, int attempt) {
        if (!stillHeld.test(h)) {
            return; // it ended meanwhile
        }
        try {
            Boundary.driverRun(spec.driver(), "stop", () -> h.stop(spec.killTimeout(), spec.killSignal()));
        } catch (DriverException e) {
            List<Duration> delays = ctx.cleanupRetryDelays();
            if (attempt < delays.size()) {
                events.emit(
                        TaskEventType.DRIVER_FAILURE,
                        "stopping the task failed (attempt " + (attempt + 1) + "), retrying in "
                                + RestartTracker.format(delays.get(attempt)) + ": " + e.getMessage(),
                        Map.of("error_code", e.code().name()));
                ctx.scheduler()
                        .schedule(
                                () -> ctx.blocking().execute(() -> attemptStop(h, attempt + 1)),
                                delays.get(attempt).toMillis(),
                                TimeUnit.MILLISECONDS);
                return;
            }
            giveUp.accept(
                    h,
                    "stopping the task failed " + (attempt + 1) + " times, giving up on it (it may still be"
                            + " running): " + e.getMessage());
        }
    }

    private String killingMessage() {
        String wait = RestartTracker.format(spec.killTimeout());
        if (signalsSupported()) {
            return "Sent interrupt " + spec.killSignal() + ". Waiting " + wait + " before force killing";
        }
        return "Stopping task. Waiting " + wait + " before force killing";
    }

    /** The message of the Killed event for a task that ended with {@code result} after being stopped. */
    String killedMessage(ExitResult result) {
        if (signalsSupported() || result.signal() != 0 || result.error() != null) {
            return "Task successfully killed";
        }
        return "Task stopped (" + ExitDescriptions.describe(result) + ")";
    }

    /** Whether the task's driver stops tasks with signals; a driver without them (a VM) stops its own way. */
    private boolean signalsSupported() {
        try {
            return Boundary.driver(
                    spec.driver(),
                    "capabilities",
                    () -> ctx.drivers().driver(spec.driver()).capabilities().signals());
        } catch (DriverException e) {
            return true;
        }
    }
}
