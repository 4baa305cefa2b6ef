package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.StopAfterFailure;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task's steps, on the runner's pool or on the calling thread, so that whatever a step throws ends the task
 * as a Driver Failure instead of stranding it; a running task is stopped first, and still waited for.
 *
 * <p>Locks: the task's {@link TaskRunState} is read and moved under the {@link TaskSupervisor}'s lock; events, the
 * registry and the driver are called outside it.
 */
final class TaskSteps {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSteps.class);

    private final TaskSupervisor task;
    private final TaskRunState run;
    private final TaskId id;
    private final RunnerContext ctx;
    private final TaskStopper stopper;
    private final TaskEvents events;
    private final TaskExits exits;

    TaskSteps(TaskParts parts, TaskId id, TaskExits exits) {
        this.task = parts.task();
        this.run = parts.run();
        this.id = id;
        this.ctx = parts.ctx();
        this.stopper = parts.stopper();
        this.events = parts.events();
        this.exits = exits;
    }

    /** Runs a step of the task on the runner's pool. */
    void runStep(String step, Runnable body) {
        ctx.blocking().execute(() -> guarded(step, body));
    }

    /** Runs a step of the task here. */
    void guarded(String step, Runnable body) {
        try {
            body.run();
        } catch (RejectedExecutionException e) {
            if (!ctx.blocking().isShutdown()) {
                failedUnexpectedly(step, e);
            }
            // else the runner is closing: the task is left as it is for the next runner to take over
            LOG.debug("task {}: {} not finished, the runner is closing", id, step);
        } catch (Throwable t) {
            failedUnexpectedly(step, t);
        }
    }

    /**
     * A step failed in a way nobody planned for: the task ends as a Driver Failure with the cause. A task that is
     * running is stopped first (its end then counts as a failure), so nothing is left behind unwatched.
     */
    void failedUnexpectedly(String step, Throwable t) {
        LOG.error("task {}: {} failed unexpectedly", id, step, t);
        TaskHandle h = null;
        synchronized (task) {
            if (run.phase instanceof Dead) {
                return;
            }
            if (run.phase instanceof Running r) {
                h = r.handle();
                run.on(new StopAfterFailure());
            }
            run.lastExit = ExitResult.failed(step + " failed: " + t);
        }
        String message = t instanceof DriverException && t.getMessage() != null
                ? t.getMessage()
                : step + " failed unexpectedly: " + t;
        events.emit(
                TaskEventType.DRIVER_FAILURE,
                message,
                Map.of("error_code", ErrorCode.INTERNAL.name(), "recoverable", "false"));
        if (h != null) {
            try {
                exits.watch(h); // a task stopped by the runner is still waited for
            } catch (DriverException e) {
                exits.giveUp(h, "cannot wait for the task to end: " + e.getMessage());
                return;
            }
            task.deregister();
            stopper.stop(h);
        } else {
            task.finish(true);
        }
    }
}
