package dev.taskdrivers.runner.internal.state;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The status of tasks and allocations as their state files tell it, for readers outside the running runner. */
public final class PersistedStatus {
    private PersistedStatus() {}

    /** One allocation from the state files of its tasks (all of the same allocation). */
    public static AllocationStatus allocation(List<PersistedTask> tasks) {
        PersistedTask first = tasks.get(0);
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        boolean finished = true;
        for (PersistedTask t : tasks.stream()
                .sorted(Comparator.comparing(PersistedStatus::name))
                .toList()) {
            TaskStatus status = task(t);
            statuses.put(status.id().taskName(), status);
            finished &= status.state() == TaskState.DEAD && t.cleanedUp();
        }
        return new AllocationStatus(
                first.allocId(),
                first.jobName() + "." + first.groupName() + "[" + first.allocIndex() + "]",
                statuses,
                finished,
                statuses.values().stream().anyMatch(TaskStatus::failed),
                tasks.stream()
                        .map(PersistedTask::runDeadline)
                        .filter(d -> d != null && d.expired())
                        .findFirst()
                        .map(PersistedTask.RunDeadline::description));
    }

    /** One task from its state file; its directories are unknown there. */
    public static TaskStatus task(PersistedTask p) {
        TaskId id = new TaskId(p.allocId(), p.jobName(), p.groupName(), p.allocIndex(), name(p));
        TaskState state = TaskState.valueOf(p.status());
        List<Port> ports = new ArrayList<>();
        if (p.ports() != null) {
            p.ports().forEach(r -> ports.add(new Port(r.label(), r.value(), r.hostIp())));
        }
        Optional<DriverNetwork> network = p.network() == null || state != TaskState.RUNNING
                ? Optional.empty()
                : Optional.of(p.network().toNetwork());
        Optional<ExitResult> lastExit = p.lastExit() == null
                ? Optional.empty()
                : Optional.of(p.lastExit().toExit());
        List<TaskEvent> events = new ArrayList<>();
        if (p.events() != null) {
            for (PersistedTask.EventRecord e : p.events()) {
                events.add(new TaskEvent(
                        TaskEventType.valueOf(e.type()),
                        Instant.ofEpochMilli(e.time()),
                        e.message(),
                        e.details() == null ? Map.of() : e.details()));
            }
        }
        return new TaskStatus(
                id,
                String.valueOf(p.task().get("driver")),
                state,
                p.failed(),
                p.restartCount(),
                lastExit,
                events,
                ports,
                network,
                null,
                null);
    }

    private static String name(PersistedTask p) {
        return String.valueOf(p.task().get("name"));
    }
}
