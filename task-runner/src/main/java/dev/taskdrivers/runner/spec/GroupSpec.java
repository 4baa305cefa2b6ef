package dev.taskdrivers.runner.spec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task group: tasks that run together in one allocation and share its directory.
 *
 * @param name unique within the job
 * @param count how many allocations of the group to run
 * @param restart the default restart policy of its tasks, or {@code null} for {@link RestartPolicy#DEFAULT}
 * @param meta metadata for all its tasks
 * @param tasks its tasks
 */
public record GroupSpec(String name, int count, RestartPolicy restart, Map<String, String> meta,
        List<TaskSpec> tasks) {
    public GroupSpec {
        Objects.requireNonNull(name, "name");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        meta = Map.copyOf(meta == null ? Map.of() : meta);
        tasks = List.copyOf(tasks);
    }

    /** One allocation of these tasks with the default restart policy. */
    public static GroupSpec of(String name, List<TaskSpec> tasks) {
        return new GroupSpec(name, 1, null, Map.of(), tasks);
    }

    /** The policy a task of this group follows. */
    public RestartPolicy restartFor(TaskSpec task) {
        if (task.restart() != null) {
            return task.restart();
        }
        return restart != null ? restart : RestartPolicy.DEFAULT;
    }
}
