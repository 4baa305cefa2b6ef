package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Restored;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.TaskStateCodec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the state file keeps of one task, both ways: the {@link PersistedTask} made of the supervisor's fields (with
 * its spec, ports, allocation, cores, restart window and last events), and those fields read back from one. Not
 * thread-safe: the supervisor calls it under its lock, which also guards the spec's cached form.
 */
final class TaskStateRecord {
    private static final int PERSISTED_EVENTS = 50;

    private final TaskId id;
    private final TaskSpec spec;
    private final List<Port> ports;
    private final AllocationRunner alloc;
    private final TaskCores cores;
    private final TaskRestarter restarts;
    private final TaskEvents events;
    /** The spec as written to the state file; it never changes, so it is built once (by the first write). */
    private @Nullable Map<String, Object> specJson;

    /** The supervisor's fields the state file keeps. */
    record Fields(
            TaskPhase phase,
            Map<String, Integer> portMap,
            Map<String, String> envOverrides,
            CreatedResources created,
            Optional<DriverNetwork> network,
            int restartCount,
            @Nullable ExitResult lastExit) {}

    TaskStateRecord(
            TaskId id,
            TaskSpec spec,
            List<Port> ports,
            AllocationRunner alloc,
            TaskCores cores,
            TaskRestarter restarts,
            TaskEvents events) {
        this.id = id;
        this.spec = spec;
        this.ports = ports;
        this.alloc = alloc;
        this.cores = cores;
        this.restarts = restarts;
        this.events = events;
    }

    /** The state file's content for a task whose fields are {@code f}. */
    PersistedTask write(Fields f) {
        TaskPhase phase = f.phase();
        // what the state file keeps of the phase
        TaskState state = phase.state();
        HandleState handleState = recordedHandleState(phase);
        boolean failed = phase instanceof Dead d && d.failed();
        boolean cleanedUp = phase instanceof Dead d && d.cleanedUp();
        if (specJson == null) {
            specJson = Collections.unmodifiableMap(SpecWriter.task(spec));
        }
        List<PersistedTask.PortRecord> portRecords = ports.stream()
                .map(p -> new PersistedTask.PortRecord(p.label(), p.value(), p.hostIp()))
                .toList();
        List<PersistedTask.EventRecord> eventRecords = events.last(PERSISTED_EVENTS).stream()
                .map(e -> new PersistedTask.EventRecord(
                        e.type().name(), e.time().toEpochMilli(), e.message(), e.details()))
                .toList();
        ExitResult lastExit = f.lastExit();
        return PersistedTask.builder()
                .format(TaskStateCodec.FORMAT)
                .allocId(id.allocId())
                .jobName(id.jobName())
                .jobType(alloc.job().type().specName())
                .groupName(id.groupName())
                .allocIndex(id.allocIndex())
                .datacenter(alloc.job().datacenter())
                .region(alloc.job().region())
                .jobMeta(alloc.job().meta())
                .groupMeta(alloc.group().meta())
                .task(specJson)
                .ports(portRecords)
                .portMap(new HashMap<>(f.portMap()))
                .envOverrides(cores.recordIn(f.envOverrides()))
                .status(state.name())
                .handle(
                        handleState == null
                                ? null
                                : new PersistedTask.HandleRecord(
                                        handleState.driver(), handleState.version(), handleState.data()))
                .created(f.created().asMap())
                .network(f.network()
                        .map(n -> new PersistedTask.NetworkRecord(n.ip(), n.portMap(), n.autoAdvertise()))
                        .orElse(null))
                .restartCount(f.restartCount())
                .restartWindowStart(
                        restarts.windowStart() == null
                                ? 0
                                : restarts.windowStart().toEpochMilli())
                .restartWindowCount(restarts.count())
                .lastExit(
                        lastExit == null
                                ? null
                                : new PersistedTask.ExitRecord(
                                        lastExit.exitCode(), lastExit.signal(), lastExit.oomKilled(), lastExit.error()))
                .failed(failed)
                .cleanedUp(cleanedUp)
                .events(eventRecords)
                .jobDigest(alloc.jobDigest())
                .groupShutdownDelayMillis(alloc.group().shutdownDelay().toMillis())
                .jobIdentity(PersistedTask.JobIdentity.of(alloc.job()))
                .runDeadline(alloc.runDeadline())
                .groupNetwork(alloc.groupNetworkRecord())
                .groupVolumes(
                        alloc.group().volumes().isEmpty()
                                ? null
                                : SpecWriter.volumes(alloc.group().volumes()))
                .build();
    }

    /**
     * The fields recorded in {@code p}; the task's cores, restart window and events are taken back from it as well.
     * No event, no driver call.
     */
    Fields read(PersistedTask p) {
        TaskState recorded = TaskState.valueOf(p.status());
        HandleState saved = p.handle() == null
                ? null
                : new HandleState(
                        p.handle().driver(), p.handle().version(), p.handle().data());
        TaskPhase phase =
                recorded == TaskState.DEAD ? new Dead(p.failed(), p.cleanedUp()) : new Restored(recorded, saved, false);
        Map<String, Integer> portMap = p.portMap() == null ? Map.of() : Map.copyOf(p.portMap());
        Map<String, String> envOverrides = p.envOverrides() == null ? Map.of() : Map.copyOf(p.envOverrides());
        if (recorded != TaskState.DEAD) {
            cores.restore(p.envOverrides(), saved != null); // a task not yet dead holds the cores it recorded
        }
        CreatedResources created = p.created() == null ? CreatedResources.empty() : CreatedResources.of(p.created());
        Optional<DriverNetwork> network =
                p.network() == null ? Optional.empty() : Optional.of(p.network().toNetwork());
        restarts.restore(p.restartWindowStart(), p.restartWindowCount());
        ExitResult lastExit = p.lastExit() == null ? null : p.lastExit().toExit();
        if (p.events() != null) {
            List<TaskEvent> restored = new ArrayList<>();
            for (PersistedTask.EventRecord e : p.events()) {
                restored.add(new TaskEvent(
                        TaskEventType.valueOf(e.type()),
                        Instant.ofEpochMilli(e.time()),
                        e.message(),
                        e.details() == null ? Map.of() : e.details()));
            }
            events.addAll(restored);
        }
        return new Fields(phase, portMap, envOverrides, created, network, p.restartCount(), lastExit);
    }

    /** The handle state the state file keeps to reattach the task; null when there is none. */
    private static @Nullable HandleState recordedHandleState(TaskPhase phase) {
        if (phase instanceof Running r) {
            return r.handleState();
        }
        return phase instanceof Restored r ? r.saved() : null;
    }
}
