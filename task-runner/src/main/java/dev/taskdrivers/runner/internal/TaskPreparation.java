package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.TaskPhase.Detached;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Relaunching;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetchException;
import java.util.Map;
import java.util.Optional;

/**
 * Prepares a task for its start once its lifecycle hook lets it go: cores, the group's network, directories,
 * artifacts and the driver's prestart; a new task, one its hook held back, and one relaunched after its restart
 * wait. A task whose hook holds it back waits parked, unprepared.
 *
 * <p>Locks: the task's {@link TaskRunState} is read and moved under the {@link TaskSupervisor}'s lock; the driver,
 * the allocation and the state file are called outside it.
 */
final class TaskPreparation {
    private final TaskSupervisor task;
    private final TaskRunState run;
    private final AllocationRunner alloc;
    private final TaskCores cores;
    private final TaskStarter starter;
    private final TaskConfigs configs;
    private final TaskEvents events;
    private final TaskRestartDecision restarts;
    private final TaskLaunch launch;

    TaskPreparation(
            TaskParts parts, TaskCores cores, TaskConfigs configs, TaskRestartDecision restarts, TaskLaunch launch) {
        this.task = parts.task();
        this.run = parts.run();
        this.alloc = parts.alloc();
        this.cores = cores;
        this.starter = parts.starter();
        this.configs = configs;
        this.events = parts.events();
        this.restarts = restarts;
        this.launch = launch;
    }

    /** The first steps of a new task, up to prestart (see {@link TaskSupervisor#prepareNew}). */
    boolean prepareNew() {
        try {
            events.emit(TaskEventType.RECEIVED, "Task received by client", Map.of());
            return hookLetsGo() && prepare(false); // submit() had the driver validate it
        } catch (Throwable t) {
            task.failedUnexpectedly("preparing the task", t);
            return false;
        }
    }

    /**
     * Whether its lifecycle hook lets the task be prepared now; if not, it waits parked (a Waiting event says for
     * what) and is prepared once let go. A task killed before, or while it was being parked, ends here.
     */
    private boolean hookLetsGo() {
        if (task.stopRequested()) {
            task.finish(false);
            return false;
        }
        if (alloc.mayPrepare(task)) {
            return true;
        }
        // a kill that came while it was being parked found nothing to take back: it is taken back here
        if (task.stopRequested() && alloc.unparkKilled(task)) {
            events.emit(
                    TaskEventType.KILLED, "Task killed before it started (it was waiting for other tasks)", Map.of());
            task.finish(false);
        }
        return false;
    }

    /** Prepares a task its lifecycle hook held back and now lets go. Returns whether it may be started. */
    boolean prepareReleased() {
        try {
            boolean validate;
            boolean stopped;
            synchronized (task) {
                if (run.detachRequested) {
                    return false; // the runner is closing: the next one prepares it
                }
                validate = run.revalidate;
                stopped = run.stopRequested();
            }
            if (stopped) { // killed as it was let go: nothing of it is prepared
                task.finish(false);
                return false;
            }
            return prepare(validate);
        } catch (Throwable t) {
            task.failedUnexpectedly("preparing the task", t);
            return false;
        }
    }

    /** Prepares and launches the task again once its restart wait is over, unless it was stopped meanwhile. */
    void relaunch() {
        boolean stop;
        synchronized (task) {
            if (run.phase instanceof Detached) {
                return; // this runner let go of the task: the next one starts it
            }
            stop = run.stopRequested();
            if (!stop) {
                run.on(new Relaunching());
                run.revalidate = true; // it may be a recovered spec, read from a file and never seen by submit()
            }
        }
        if (stop) {
            task.finish(false);
        } else if (hookLetsGo() && prepare(true)) { // a recovered task may still wait for its hook
            launch.launch();
        }
    }

    private boolean prepare(boolean validate) {
        Optional<String> noCores = cores.reserve(); // before the driver sees the task: its cores are in its config
        if (noCores.isPresent()) {
            events.emit(TaskEventType.SETUP_FAILURE, noCores.get(), Map.of());
            task.finish(true);
            return false;
        }
        try {
            alloc.confirmNetwork(); // a restored allocation's network, before the task's config joins it
        } catch (DriverException e) {
            restarts.driverFailure(e);
            return false;
        }
        Optional<PrestartResult> prepared;
        try {
            prepared = starter.prepare(validate, configs::prestart, configs::artifact, task::stopRequested);
        } catch (DriverException e) { // the prestart failed; validation failures are events already
            restarts.driverFailure(e);
            return false;
        } catch (ArtifactFetchException e) { // its event is out already
            restarts.artifactFailure(e);
            return false;
        }
        if (prepared.isEmpty()) {
            task.finish(true);
            return false;
        }
        PrestartResult result = prepared.get();
        synchronized (task) {
            run.portMap = result.portMap();
            run.envOverrides = result.envOverrides();
            run.created = run.created.merge(result.created());
        }
        if (!result.created().isEmpty()) {
            task.persist(true); // resources to clean up even after a power loss
        }
        // else nothing recovery needs changed: a task recovered before its start is prepared again anyway
        return true;
    }
}
