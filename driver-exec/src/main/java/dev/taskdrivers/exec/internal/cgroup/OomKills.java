package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskConfig;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells an exit caused by the kernel's OOM killer in a task's cgroup apart from other kills. */
public final class OomKills {
    private static final Logger LOG = LoggerFactory.getLogger(OomKills.class);

    private OomKills() {}

    /**
     * {@code result} marked {@code oomKilled}, with a driver event naming the task's memory limit, when the OOM
     * killer killed in {@code cgroup}; else {@code result} as it is.
     */
    public static ExitResult marked(ExitResult result, TaskCgroup cgroup, TaskConfig task, EventEmitter events) {
        if (cgroup.oomKills() == 0) {
            return result;
        }
        // the cgroup's hard limit: memory_max when the task sets it
        int limitMb = task.resources().memoryLimitMb();
        String message = "task killed by the OOM killer: it used its whole memory limit of " + limitMb + " MiB";
        LOG.info("{}: {}", task.id(), message);
        events.driverEvent(message, Map.of("oom_killed", "true", "memory_limit_mb", Integer.toString(limitMb)));
        return result.toBuilder().oomKilled(true).build();
    }
}
