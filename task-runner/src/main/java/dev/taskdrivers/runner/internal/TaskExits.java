package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleEnded;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Waits for a running task's exit and settles what its end means: killed, restarted at the user's request, done,
 * or a case for the restart policy; or lets go of a task that cannot be stopped.
 *
 * <p>Locks: which handle is watched and the task's {@link TaskRunState} are read and moved under the
 * {@link TaskSupervisor}'s lock; the driver's exit future is asked for outside it.
 */
final class TaskExits {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final RunnerContext ctx;
    private final AllocationRunner alloc;
    private final TaskStarter starter;
    private final TaskStopper stopper;
    private final TaskEvents events;
    private final TaskRestartDecision restarts;

    TaskExits(TaskParts parts, TaskRestartDecision restarts) {
        this.task = parts.task();
        this.run = parts.run();
        this.ctx = parts.ctx();
        this.alloc = parts.alloc();
        this.starter = parts.starter();
        this.stopper = parts.stopper();
        this.events = parts.events();
        this.restarts = restarts;
    }

    /** Waits for the exit of running handle {@code h} on the runner's pool; once per handle. */
    void watch(TaskHandle h) {
        synchronized (task) {
            if (run.watched == h) {
                return;
            }
        }
        CompletableFuture<ExitResult> exit = starter.exitFuture(h);
        synchronized (task) {
            if (run.watched == h) {
                return;
            }
            run.watched = h;
        }
        exit.whenCompleteAsync(
                (result, error) -> task.guarded(
                        "handling the task's exit",
                        () -> exited(
                                h,
                                error != null
                                        ? ExitResult.failed("waiting for the task failed: " + error)
                                        : result != null
                                                ? result
                                                : ExitResult.failed("the driver reported no exit result"))),
                ctx.blocking());
    }

    /** Lets go of a task that cannot be stopped, as a failure, so its allocation still completes. */
    void giveUp(TaskHandle h, String message) {
        synchronized (task) {
            if (!task.holds(h)) {
                return;
            }
            run.on(new HandleEnded(h));
            run.lastExit = ExitResult.failed(message);
        }
        events.emit(TaskEventType.DRIVER_FAILURE, message, Map.of("error_code", ErrorCode.INTERNAL.name()));
        TaskSupervisor.closeQuietly(h);
        task.deregister();
        task.finish(true);
    }

    private void exited(TaskHandle h, ExitResult result) {
        TaskPhase.Stop stop;
        boolean unhealthy;
        synchronized (task) {
            if (!task.holds(h)) {
                return;
            }
            stop = ((Running) run.phase).stop();
            unhealthy = run.stoppedUnhealthy == h;
            run.stoppedUnhealthy = null;
            run.on(new HandleEnded(h));
            run.lastExit = result;
        }
        TaskSupervisor.closeQuietly(h);
        task.deregister();
        Map<String, String> details = ExitDescriptions.details(result);
        if (stop.isKill()) {
            events.emit(TaskEventType.KILLED, stopper.killedMessage(result), details);
            task.finish(stop == TaskPhase.Stop.KILL_AFTER_FAILURE);
        } else {
            events.emit(TaskEventType.TERMINATED, ExitDescriptions.describe(result), details);
            if (stop == TaskPhase.Stop.RESTART) {
                restarts.restartNow();
            } else if (result.successful()
                    && !unhealthy
                    && !alloc.role(task).restartsOnSuccess(alloc.job().type())) {
                task.finish(false); // done: a batch task, or a hook task that is not a sidecar
            } else {
                // a service task is meant to run until stopped: any exit goes through the restart policy
                restarts.restartOrFail();
            }
        }
    }
}
