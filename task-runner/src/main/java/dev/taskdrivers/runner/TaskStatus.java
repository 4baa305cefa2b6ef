package dev.taskdrivers.runner;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskEvent;
import dev.taskdrivers.api.TaskId;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one task.
 *
 * @param id the task
 * @param driver its driver name
 * @param state where it is
 * @param failed whether it ended as a failure (only meaningful when {@code DEAD})
 * @param restarts how many times it was restarted
 * @param lastExit how it last ended, empty while it has not
 * @param events its events, oldest first
 */
public record TaskStatus(TaskId id, String driver, TaskState state, boolean failed, int restarts,
        Optional<ExitResult> lastExit, List<TaskEvent> events) {
    public TaskStatus {
        events = List.copyOf(events);
    }

    /** Whether it ended without failing. */
    public boolean succeeded() {
        return state == TaskState.DEAD && !failed;
    }
}
