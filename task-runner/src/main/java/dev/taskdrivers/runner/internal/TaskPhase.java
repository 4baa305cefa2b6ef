package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.TaskState;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where a task is in its lifecycle, with exactly what it holds there: only a running task has a handle, only a
 * restarting one a pending restart, only a dead one a verdict. Phases are immutable; {@link #on(TaskPhaseEvent)} is
 * the one place that says which phase follows which. An event that changes nothing returns the same phase; one that
 * makes no sense in a phase is refused with an {@link IllegalStateException}. The public {@link TaskState} is derived.
 */
sealed interface TaskPhase {

    /** What callers of the embedding API see. */
    TaskState state();

    /** Whether the task is to be stopped for good as soon as the step in progress allows it. */
    boolean killRequested();

    /** The phase that follows this one on {@code event}; this one when nothing changes. */
    default TaskPhase on(TaskPhaseEvent event) {
        return TaskTransitions.next(this, event);
    }

    /** Why a running task is being stopped, if it is. */
    enum Stop {
        /** It is not being stopped. */
        NONE,
        /** The user asked for a restart: once stopped it starts again at once. */
        RESTART,
        /** It is stopped for good. */
        KILL,
        /** The runner stops it after a failure of its own: its end is a failure. */
        KILL_AFTER_FAILURE;

        boolean isKill() {
            return this == KILL || this == KILL_AFTER_FAILURE;
        }
    }

    /** Received, being set up or started: no handle yet. */
    record Pending(boolean killRequested) implements TaskPhase {
        @Override
        public TaskState state() {
            return TaskState.PENDING;
        }
    }

    /** Read from a state file and not taken over yet; {@code saved} is the recorded handle state, if any. */
    record Restored(TaskState recorded, @Nullable HandleState saved, boolean killRequested) implements TaskPhase {
        public Restored {
            Objects.requireNonNull(recorded, "recorded");
            if (recorded == TaskState.DEAD) {
                throw new IllegalArgumentException("a dead task is restored as Dead");
            }
        }

        @Override
        public TaskState state() {
            return recorded;
        }
    }

    /** The driver runs the task; {@code handleState} is null until the driver told it. */
    record Running(TaskHandle handle, @Nullable HandleState handleState, Stop stop) implements TaskPhase {
        public Running {
            Objects.requireNonNull(handle, "handle");
            Objects.requireNonNull(stop, "stop");
        }

        @Override
        public TaskState state() {
            return TaskState.RUNNING;
        }

        @Override
        public boolean killRequested() {
            return stop.isKill();
        }
    }

    /** Its handle ended (or was given up); what comes next, a restart or the end, is being decided. */
    record Exited(boolean killRequested) implements TaskPhase {
        @Override
        public TaskState state() {
            return TaskState.RUNNING;
        }
    }

    /** Waits to start again; {@code pending} is the scheduled relaunch, null when it was handed over at once. */
    record Restarting(@Nullable ScheduledFuture<?> pending, boolean killRequested) implements TaskPhase {
        @Override
        public TaskState state() {
            return TaskState.RESTARTING;
        }
    }

    /** This runner let go of the task without stopping it (it is closing); the next runner takes it over. */
    record Detached(TaskState shown) implements TaskPhase {
        @Override
        public TaskState state() {
            return shown;
        }

        @Override
        public boolean killRequested() {
            return false;
        }
    }

    /** Ended for good; {@code cleanedUp} once the driver released what it created for it. */
    record Dead(boolean failed, boolean cleanedUp) implements TaskPhase {
        @Override
        public TaskState state() {
            return TaskState.DEAD;
        }

        @Override
        public boolean killRequested() {
            return false;
        }
    }
}
