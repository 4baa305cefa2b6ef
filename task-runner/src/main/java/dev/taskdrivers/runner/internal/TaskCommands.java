package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartRequested;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * What can be done to a running task from outside its lifecycle: exec in it, signal it, restart it at the user's
 * request, or for a check that stayed unhealthy. A task that is not running refuses with an
 * {@link IllegalStateException}.
 *
 * <p>Locks: the running handle is read, and the task's {@link TaskRunState} moved, under the
 * {@link TaskSupervisor}'s lock; the driver is called outside it.
 */
final class TaskCommands {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final TaskId id;
    private final TaskSpec spec;
    private final RunnerContext ctx;
    private final TaskStopper stopper;
    private final TaskEvents events;

    TaskCommands(TaskParts parts, TaskId id, TaskSpec spec) {
        this.task = parts.task();
        this.run = parts.run();
        this.id = id;
        this.spec = spec;
        this.ctx = parts.ctx();
        this.stopper = parts.stopper();
        this.events = parts.events();
    }

    /** Runs a command inside the running task through its driver. */
    ExecResult exec(ExecRequest request) {
        TaskHandle h = runningHandle("exec in");
        return Boundary.driver(spec.driver(), "exec", () -> h.exec(request));
    }

    /** Sends a signal to the running task, after a Signaling event. */
    void signal(String signal) {
        TaskHandle h = runningHandle("signal");
        events.emit(TaskEventType.SIGNALING, "Task being sent signal " + signal, Map.of("signal", signal));
        Boundary.driverRun(spec.driver(), "signal", () -> h.signal(signal));
    }

    /**
     * Stops the running task with its kill signal and kill timeout and starts it again at once, without counting
     * against its restart policy; {@code reason} is the Restart Signaled event's message.
     */
    void restart(String reason) {
        TaskHandle h;
        synchronized (task) {
            h = runningHandle("restart");
            TaskPhase next = run.phase.on(new RestartRequested());
            if (next == run.phase) {
                return; // already on its way down
            }
            run.phase = next;
        }
        events.emit(TaskEventType.RESTART_SIGNALED, reason, Map.of());
        task.deregister(); // stop sending traffic before the task is asked to stop
        stopper.stop(h);
    }

    /**
     * Stops running task {@code h} because a check stayed unhealthy past its {@code check_restart} limit; unlike a
     * requested restart, its end goes through the restart policy as a failure, as in Nomad. Called on a check
     * thread, it stops the task on the runner's pool.
     */
    void unhealthy(TaskHandle h, String reason) {
        try {
            ctx.blocking()
                    .execute(() -> task.guarded("restarting the task for an unhealthy check", () -> {
                        synchronized (task) {
                            if (!(run.phase instanceof Running r)
                                    || r.handle() != h
                                    || r.stop() != TaskPhase.Stop.NONE) {
                                return; // it ended, or is being stopped or restarted already
                            }
                            run.stoppedUnhealthy = h; // as in Nomad, its end goes through the restart policy
                        }
                        events.emit(TaskEventType.RESTART_SIGNALED, reason, Map.of());
                        task.deregister(); // stop sending traffic before the task is asked to stop
                        stopper.stop(h);
                    }));
        } catch (RejectedExecutionException e) {
            // the runner is closing: the task is left to the next runner
        }
    }

    private TaskHandle runningHandle(String action) {
        synchronized (task) {
            if (run.phase instanceof Running r && !r.killRequested()) {
                return r.handle();
            }
            throw new IllegalStateException("cannot " + action + " task " + id.taskName() + " of " + id.allocName()
                    + ": it is not running (state " + run.phase.state()
                    + (run.phase.killRequested() ? ", being stopped" : "")
                    + ")");
        }
    }
}
