package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/** What happens to a task that may move it to another {@link TaskPhase}. */
sealed interface TaskPhaseEvent {

    /** The driver started the task, or reattached it, and returned this handle. */
    record Started(TaskHandle handle) implements TaskPhaseEvent {}

    /** The driver told the state of {@code handle}, what the state file keeps to reattach it. */
    record HandleStateRead(TaskHandle handle, HandleState state) implements TaskPhaseEvent {}

    /** The task is to be stopped for good. */
    record KillRequested() implements TaskPhaseEvent {}

    /** The runner stops the running task after a failure of its own. */
    record StopAfterFailure() implements TaskPhaseEvent {}

    /** The user asked for the running task to be stopped and started again. */
    record RestartRequested() implements TaskPhaseEvent {}

    /** {@code handle} ended, or was given up because it could not be stopped. */
    record HandleEnded(TaskHandle handle) implements TaskPhaseEvent {}

    /** A restart was decided; {@code pending} is its scheduled relaunch, null when it runs at once. */
    record RestartScheduled(@Nullable ScheduledFuture<?> pending) implements TaskPhaseEvent {}

    /** The task is about to be prepared and started again. */
    record Relaunching() implements TaskPhaseEvent {}

    /** The task ended for good. */
    record Finished(boolean failed) implements TaskPhaseEvent {}

    /** What the driver created for the task was released. */
    record CleanedUp() implements TaskPhaseEvent {}

    /** The runner lets go of the task without stopping it. */
    record Detach() implements TaskPhaseEvent {}
}
