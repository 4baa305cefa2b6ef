package dev.taskdrivers.docker;

import dev.taskdrivers.api.TaskId;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The labels that mark a container as ours. Containers without {@link #MANAGED} are never touched. */
final class DockerLabels {
    static final String PREFIX = "dev.taskdrivers.";
    static final String MANAGED = PREFIX + "managed";
    static final String ALLOC_ID = PREFIX + "alloc_id";
    static final String TASK_NAME = PREFIX + "task_name";
    static final String JOB_NAME = PREFIX + "job_name";
    static final String IMAGE = PREFIX + "image";

    private DockerLabels() {}

    /** The labels of the task's container. */
    static Map<String, String> of(TaskId id, String image) {
        return Map.of(
                MANAGED,
                "true",
                ALLOC_ID,
                id.allocId(),
                TASK_NAME,
                id.taskName(),
                JOB_NAME,
                id.jobName(),
                IMAGE,
                image);
    }

    /** Whether a container's labels say it is ours. */
    static boolean isOurs(@Nullable Map<String, String> labels) {
        return labels != null && "true".equals(labels.get(MANAGED));
    }

    /** The task key ({@link TaskId#key()}) a container of ours belongs to, or null when it is not ours. */
    static @Nullable String taskKey(@Nullable Map<String, String> labels) {
        if (labels == null || !isOurs(labels)) {
            return null;
        }
        String allocId = labels.get(ALLOC_ID);
        String taskName = labels.get(TASK_NAME);
        return allocId == null || taskName == null ? null : allocId + "/" + taskName;
    }

    /** The deterministic container name of a task: the same task always maps to the same name. */
    static String containerName(TaskId id) {
        return id.taskName() + "-" + id.allocId();
    }
}
