package dev.taskdrivers.runner;

import dev.taskdrivers.api.TaskId;
import java.time.Duration;

/**
 * A {@link RunnerListener} that is also told what metrics need beyond the events: the task's driver with each event,
 * how long each driver start took, and the runner it watches. Registered like any listener
 * ({@link TaskRunner.Builder#listener}, {@link TaskRunner#addListener}). Called from the runner's threads: return
 * quickly and do not block. An exception thrown by an observer is logged and ignored.
 */
public interface RunnerObserver extends RunnerListener {

    /**
     * The runner this observer was registered with, once, before the runner does anything: an observer may read its
     * {@link TaskRunner#allocations()} later, e.g. to count tasks by state.
     *
     * @param runner the runner
     */
    default void onAttached(TaskRunner runner) {}

    /**
     * A task event, with the task's driver. Called right after {@link #onEvent}.
     *
     * @param task the task
     * @param driver its driver name
     * @param event the event
     */
    default void onTaskEvent(TaskId task, String driver, TaskEvent event) {}

    /**
     * The driver's start call of a task returned, or failed: its wall time, without the task's preparation
     * (directories, prestart, image pulls).
     *
     * @param task the task
     * @param driver its driver name
     * @param took how long the driver's start took
     * @param started whether the driver started the task
     */
    default void onTaskStartTimed(TaskId task, String driver, Duration took, boolean started) {}

    /** Observers need not take plain events; {@link #onTaskEvent} carries the same with the driver. */
    @Override
    default void onEvent(TaskId task, TaskEvent event) {}
}
