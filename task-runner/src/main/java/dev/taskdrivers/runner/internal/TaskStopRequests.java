package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Restarting;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Detach;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.KillRequested;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Stops a task on request wherever it is: kills it for good (running, waiting to restart, parked or being set up),
 * ends it before it started when its group's network cannot be set up or was waited for, or lets go of it without
 * stopping it when the runner closes.
 *
 * <p>Locks: the task's {@link TaskRunState} is read and moved under the {@link TaskSupervisor}'s lock; the driver,
 * the allocation and the registry are called outside it.
 */
final class TaskStopRequests {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final TaskSpec spec;
    private final AllocationRunner alloc;
    private final TaskStopper stopper;
    private final TaskTemplates templates;
    private final TaskEvents events;

    TaskStopRequests(TaskParts parts, TaskSpec spec, TaskTemplates templates) {
        this.task = parts.task();
        this.run = parts.run();
        this.spec = spec;
        this.alloc = parts.alloc();
        this.stopper = parts.stopper();
        this.templates = templates;
        this.events = parts.events();
    }

    /** See {@link TaskSupervisor#kill(TaskEvent, Duration)}. */
    void kill(@Nullable TaskEvent reason, Duration groupDelay) {
        TaskPhase before;
        synchronized (task) {
            before = run.phase;
            if (before.killRequested() || before instanceof Dead) {
                return;
            }
            // a detached task stays as it is (another runner takes it over), but its services are still removed
            run.phase = before.on(new KillRequested());
        }
        if (reason != null) {
            events.record(reason);
        }
        task.deregister(); // stop sending traffic before the task is asked to stop
        templates.wake(); // a start waiting for its templates finishes now
        if (before instanceof Running r) {
            stopper.stopAfter(r.handle(), groupDelay.plus(spec.shutdownDelay()));
        } else if (before instanceof Restarting r
                && r.pending() != null
                && r.pending().cancel(false)) {
            events.emit(TaskEventType.KILLED, "Task killed while waiting to restart", Map.of());
            task.finish(false);
        } else if (alloc.unparkKilled(task)) {
            events.emit(
                    TaskEventType.KILLED, "Task killed before it started (it was waiting for other tasks)", Map.of());
            task.finish(false);
        } else if (alloc.waitsForNetwork()) {
            endUnstarted();
        }
        // otherwise it is being set up: launch() sees the kill request and stops there
    }

    /** See {@link TaskSupervisor#failSetup}. */
    void failSetup(String message, Map<String, String> details) {
        synchronized (task) {
            if (run.phase instanceof Dead || run.endingUnstarted) {
                return;
            }
            run.endingUnstarted = true;
            run.lastExit = ExitResult.failed(message);
        }
        events.emit(TaskEventType.SETUP_FAILURE, message, details);
        task.finish(true);
    }

    /** See {@link TaskSupervisor#endUnstarted}. */
    void endUnstarted() {
        synchronized (task) {
            if (run.phase instanceof Dead || run.endingUnstarted) {
                return;
            }
            run.endingUnstarted = true;
        }
        events.emit(
                TaskEventType.KILLED,
                "Task killed before it started (it was waiting for the group's network)",
                Map.of());
        task.finish(false);
    }

    /** See {@link TaskSupervisor#detach}. */
    void detach() {
        TaskPhase before;
        synchronized (task) {
            before = run.phase;
            run.on(new Detach());
            run.detachRequested = true;
        }
        templates.close();
        if (before instanceof Restarting r && r.pending() != null) {
            r.pending().cancel(false);
        }
        if (before instanceof Running r) {
            TaskSupervisor.closeQuietly(r.handle());
        }
    }
}
