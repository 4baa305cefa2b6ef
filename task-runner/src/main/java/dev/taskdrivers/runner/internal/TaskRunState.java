package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Pending;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The mutable state of one supervised task: its {@link TaskPhase}, what its runs produced (ports, environment,
 * created resources, network, restarts, last exit) and the flags its steps coordinate through.
 *
 * <p>Locks: it has no lock of its own. Every read and write holds the lock of the {@link TaskSupervisor} that owns
 * it, the one lock all of the task's steps share.
 */
final class TaskRunState {
    TaskPhase phase = new Pending(false);
    Map<String, Integer> portMap = Map.of();
    Map<String, String> envOverrides = Map.of();
    CreatedResources created = CreatedResources.empty();
    Optional<DriverNetwork> network = Optional.empty();
    int restartCount;

    @Nullable
    ExitResult lastExit;
    /** The handle whose exit is being waited for. */
    @Nullable
    TaskHandle watched;
    /** The handle stopped because a check stayed unhealthy: its end is a failure, whatever its exit code. */
    @Nullable
    TaskHandle stoppedUnhealthy;
    /** This runner let go of the task (it is closing); a start in progress hands the task over when it returns. */
    boolean detachRequested;
    /** Its spec is validated again before its next preparation: no submit() saw it (recovered) or it relaunches. */
    boolean revalidate;
    /** The task is being ended before it started (see {@link TaskSupervisor#failSetup}). */
    boolean endingUnstarted;

    /** Moves the phase on {@code event} (see {@link TaskPhase#on}). */
    void on(TaskPhaseEvent event) {
        phase = phase.on(event);
    }

    /** Whether the task was asked to stop, or ended. */
    boolean stopRequested() {
        return phase.killRequested() || phase instanceof Dead;
    }

    /** What the state file keeps of this state. */
    TaskStateRecord.Fields fields() {
        return new TaskStateRecord.Fields(phase, portMap, envOverrides, created, network, restartCount, lastExit);
    }

    /** Takes over the fields a state file kept. */
    void restore(TaskStateRecord.Fields f) {
        phase = f.phase();
        portMap = f.portMap();
        envOverrides = f.envOverrides();
        created = f.created();
        network = f.network();
        restartCount = f.restartCount();
        lastExit = f.lastExit();
    }
}
