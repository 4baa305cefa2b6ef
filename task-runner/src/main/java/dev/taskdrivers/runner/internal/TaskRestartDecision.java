package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartScheduled;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetchException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * Decides whether a task that ended or failed starts again: through its restart policy (with the policy's delay)
 * or at once for a requested restart, or not at all; it schedules the relaunch and says so in events.
 *
 * <p>Locks: the policy's window and the task's {@link TaskRunState} are read and moved under the
 * {@link TaskSupervisor}'s lock; events and state writes happen outside it.
 */
final class TaskRestartDecision {
    private final TaskSupervisor task;
    private final TaskRunState run;
    /** The restart policy's window; guarded by the supervisor's lock. */
    private final TaskRestarter restarts;

    private final TaskEvents events;

    TaskRestartDecision(TaskParts parts, TaskRestarter restarts) {
        this.task = parts.task();
        this.run = parts.run();
        this.restarts = restarts;
        this.events = parts.events();
    }

    /** The task failed or ended where its policy decides: it restarts after the policy's delay, or ends. */
    void restartOrFail() {
        RestartTracker.Decision decision;
        synchronized (task) {
            decision = run.phase.killRequested() ? null : restarts.onFailure();
        }
        if (decision == null) {
            task.finish(false);
            return;
        }
        if (!decision.restart()) {
            events.emit(TaskEventType.NOT_RESTARTING, decision.message(), Map.of());
            task.finish(true);
            return;
        }
        events.emit(
                TaskEventType.RESTARTING,
                decision.message(),
                Map.of("restart_delay_ms", Long.toString(decision.delay().toMillis())));
        synchronized (task) {
            ScheduledFuture<?> pending =
                    restarts.schedule(decision, () -> task.runStep("restarting the task", task::relaunch));
            run.on(new RestartScheduled(pending));
            run.restartCount++;
        }
        task.persist();
    }

    /** Relaunches at once after a requested restart; it does not count against the restart policy. */
    void restartNow() {
        events.emit(TaskEventType.RESTARTING, "Task restarting at the user's request", Map.of("restart_delay_ms", "0"));
        synchronized (task) {
            run.on(new RestartScheduled(null));
            run.restartCount++;
        }
        task.persist();
        task.runStep("restarting the task", task::relaunch);
    }

    /** A task whose artifact failed follows its restart policy, unless no later try can succeed. */
    void artifactFailure(ArtifactFetchException e) {
        synchronized (task) {
            run.lastExit = ExitResult.failed("failed to download an artifact: " + e.getMessage());
        }
        if (e.isRecoverable() && !task.stopRequested()) {
            restartOrFail();
        } else {
            task.finish(!task.stopRequested());
        }
    }

    /** A driver call failed: a recoverable failure follows the restart policy, any other ends the task. */
    void driverFailure(DriverException e) {
        events.emit(
                TaskEventType.DRIVER_FAILURE,
                Objects.requireNonNullElse(e.getMessage(), e.toString()),
                Map.of("error_code", e.code().name(), "recoverable", Boolean.toString(e.isRecoverable())));
        synchronized (task) {
            String message = e.getMessage();
            run.lastExit =
                    ExitResult.failed(message == null || message.isBlank() ? "driver error " + e.code() : message);
        }
        if (e.isRecoverable()) {
            restartOrFail();
        } else {
            task.finish(true);
        }
    }
}
