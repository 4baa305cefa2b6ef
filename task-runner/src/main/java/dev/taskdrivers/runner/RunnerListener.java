package dev.taskdrivers.runner;

import dev.taskdrivers.api.TaskId;

/**
 * Receives events as they happen. Called from the runner's threads: return quickly and do not block. An exception
 * thrown by a listener is logged and ignored.
 */
@FunctionalInterface
public interface RunnerListener {

    /** A task event. */
    void onEvent(TaskId task, TaskEvent event);

    /** An allocation finished: every task is dead and cleaned up. */
    default void onAllocationFinished(AllocationStatus status) {}
}
