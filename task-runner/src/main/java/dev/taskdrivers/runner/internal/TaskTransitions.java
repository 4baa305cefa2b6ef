package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Detached;
import dev.taskdrivers.runner.internal.TaskPhase.Exited;
import dev.taskdrivers.runner.internal.TaskPhase.Pending;
import dev.taskdrivers.runner.internal.TaskPhase.Restarting;
import dev.taskdrivers.runner.internal.TaskPhase.Restored;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhase.Stop;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.CleanedUp;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Detach;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Finished;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleEnded;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleStateRead;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.KillRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Relaunching;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartScheduled;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Started;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.StopAfterFailure;

/** The table of which {@link TaskPhase} follows which on a {@link TaskPhaseEvent}. */
final class TaskTransitions {
    private TaskTransitions() {}

    static TaskPhase next(TaskPhase phase, TaskPhaseEvent event) {
        if (event instanceof Started e) {
            Stop stop = phase.killRequested() ? Stop.KILL : Stop.NONE;
            if (phase instanceof Pending) {
                return new Running(e.handle(), null, stop);
            }
            if (phase instanceof Restored r) { // the recorded state stays until the driver tells the new one
                return new Running(e.handle(), r.saved(), stop);
            }
            return phase instanceof Detached ? phase : refuse(phase, event);
        }
        if (event instanceof HandleStateRead e) {
            return phase instanceof Running r && r.handle() == e.handle()
                    ? new Running(r.handle(), e.state(), r.stop())
                    : phase; // else it ended meanwhile
        }
        if (event instanceof KillRequested) {
            return kill(phase);
        }
        if (event instanceof StopAfterFailure) {
            if (phase instanceof Running r) {
                return new Running(r.handle(), r.handleState(), Stop.KILL_AFTER_FAILURE);
            }
            return phase instanceof Dead ? phase : refuse(phase, event);
        }
        if (event instanceof RestartRequested) {
            if (phase instanceof Running r && r.stop() == Stop.NONE) {
                return new Running(r.handle(), r.handleState(), Stop.RESTART);
            }
            return phase instanceof Running r && r.stop() == Stop.RESTART ? phase : refuse(phase, event);
        }
        if (event instanceof HandleEnded e) {
            return phase instanceof Running r && r.handle() == e.handle()
                    ? new Exited(r.stop().isKill())
                    : phase;
        }
        if (event instanceof RestartScheduled e) {
            if (phase instanceof Pending || phase instanceof Exited) {
                return new Restarting(e.pending(), phase.killRequested());
            }
            return refuse(phase, event);
        }
        if (event instanceof Relaunching) {
            return relaunching(phase, event);
        }
        if (event instanceof Finished e) {
            return phase instanceof Dead ? phase : new Dead(e.failed(), false);
        }
        if (event instanceof CleanedUp) {
            if (phase instanceof Dead d) {
                return d.cleanedUp() ? d : new Dead(d.failed(), true);
            }
            return refuse(phase, event);
        }
        if (event instanceof Detach) {
            return phase instanceof Running || phase instanceof Restarting ? new Detached(phase.state()) : phase;
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private static TaskPhase kill(TaskPhase phase) {
        if (phase.killRequested() || phase instanceof Dead || phase instanceof Detached) {
            return phase;
        }
        if (phase instanceof Pending) {
            return new Pending(true);
        }
        if (phase instanceof Restored r) {
            return new Restored(r.recorded(), r.saved(), true);
        }
        if (phase instanceof Running r) {
            return new Running(r.handle(), r.handleState(), Stop.KILL);
        }
        if (phase instanceof Exited) {
            return new Exited(true);
        }
        Restarting r = (Restarting) phase;
        return new Restarting(r.pending(), true);
    }

    /** A task to be killed is not started again: the caller ends it instead. */
    private static TaskPhase relaunching(TaskPhase phase, TaskPhaseEvent event) {
        if (phase instanceof Detached) {
            return phase;
        }
        if (phase instanceof Restored r) {
            return new Pending(r.killRequested());
        }
        if (!phase.killRequested() && (phase instanceof Pending || phase instanceof Restarting)) {
            return phase instanceof Pending ? phase : new Pending(false);
        }
        return refuse(phase, event);
    }

    private static TaskPhase refuse(TaskPhase phase, TaskPhaseEvent event) {
        throw new IllegalStateException("a task " + describe(phase) + " cannot take " + event);
    }

    private static String describe(TaskPhase phase) {
        TaskState state = phase.state();
        return phase.getClass().getSimpleName() + " (" + state + (phase.killRequested() ? ", being stopped" : "") + ")";
    }
}
