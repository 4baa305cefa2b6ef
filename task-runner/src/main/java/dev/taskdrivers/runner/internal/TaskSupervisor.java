package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.TaskUsage;
import dev.taskdrivers.runner.internal.TaskPhase.Dead;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.CleanedUp;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Finished;
import dev.taskdrivers.runner.internal.catalog.NomadRegistrations.JobPlace;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates one task through its lifecycle: validate, directories, prestart, start, wait, restart or give up,
 * kill, cleanup. It owns the task's {@link TaskRunState} (its {@link TaskPhase}, moved only through
 * {@link TaskPhase#on}) and the lock that guards it, and ends the task for good ({@link #finish}); each step is one
 * class's job: {@link TaskPreparation} prepares, {@link TaskLaunch} starts, {@link TaskExits} waits for the end,
 * {@link TaskRestartDecision} restarts or gives up, {@link TaskRecovery} takes a restored task over,
 * {@link TaskCommands} execs, signals and restarts on request, {@link TaskStopRequests} kills or lets go, and
 * {@link TaskSteps} runs each step so that a failure nobody planned for ends the task; each is handed the parts they
 * share as one {@link TaskParts} and keeps what it reads. Below them are {@link TaskStarter}, {@link TaskStopper},
 * {@link TaskRestarter}, {@link TaskServicesLink}, the driver configs ({@link TaskConfigs}) and the state file
 * ({@link TaskStateFile} with {@link TaskStateRecord}). It holds no thread: every step runs on the runner's blocking
 * pool and waiting chains on the handle's exit future.
 *
 * <p>Locks: this object's lock guards the {@link TaskRunState} and the fields marked so below; the classes above
 * take this same lock (they synchronize on this object) and call drivers, registries and the allocation outside it.
 * The state file's own lock orders the task's writes, and a write takes its snapshot under this lock while holding
 * that one; so no step writes the task's state while it holds this lock.
 */
final class TaskSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);

    final TaskId id;
    final TaskSpec spec;
    final List<Port> ports;
    private final AllocationRunner alloc;
    private final TaskDirs dirs;
    private final TaskEvents events;
    private final CompletableFuture<TaskStatus> finished = new CompletableFuture<>();
    private final TaskStarter starter;
    private final TaskStopper stopper;
    private final TaskServicesLink services;
    private final TaskTemplates templates;
    private final TaskResources resources;
    private final TaskCores cores;
    /** The restart policy's window; guarded by this. */
    private final TaskRestarter restarts;

    private final TaskConfigs configs;
    /** What the state file keeps of this task; guarded by this. */
    private final TaskStateRecord stateRecord;

    private final TaskStateFile stateFile;

    /** The phase and what the runs produced; guarded by this. */
    private final TaskRunState run = new TaskRunState();

    private final TaskCommands commands;
    private final TaskStopRequests stopRequests;
    private final TaskRestartDecision restartDecision;
    private final TaskExits exits;
    private final TaskSteps steps;
    private final TaskLaunch launch;
    private final TaskPreparation preparation;
    private final TaskRecovery recovery;

    TaskSupervisor(
            RunnerContext ctx,
            AllocationRunner alloc,
            TaskId id,
            TaskSpec spec,
            RestartPolicy policy,
            List<Port> ports) {
        this.alloc = alloc;
        this.id = id;
        // a recovered spec usually names its policy already: no copy of it then
        this.spec = policy.equals(spec.restart()) ? spec : spec.withRestart(policy);
        this.ports = List.copyOf(ports);
        this.dirs = TaskDirs.standard(ctx.allocRoot().resolve(id.allocId()), id.taskName());
        this.events = new TaskEvents(id, this.spec.driver(), ctx);
        this.starter = new TaskStarter(ctx, alloc.directories(), this.spec, dirs, events);
        this.stopper = new TaskStopper(ctx, this.spec, events, this::holds, this::giveUp);
        TaskParts parts = new TaskParts(this, run, events, ctx, alloc, starter, stopper);
        this.commands = new TaskCommands(parts, id, this.spec);
        this.services = new TaskServicesLink(
                ctx, id, this.spec, events, JobPlace.of(alloc.job(), ctx.node()), commands::unhealthy);
        this.cores = new TaskCores(ctx.cores(), id, this.spec.cores());
        this.resources = new TaskResources(this.spec, this.ports, cores::held);
        this.restarts = new TaskRestarter(ctx, policy);
        this.templates =
                new TaskTemplates(ctx, this.spec, dirs, events, new TemplateChanges(this), alloc.interpolation());
        this.configs =
                new TaskConfigs(id, this.spec, dirs, resources, alloc, () -> alloc.environmentFor(this), services);
        this.stateRecord = new TaskStateRecord(id, this.spec, this.ports, alloc, cores, restarts, events);
        this.stateFile = new TaskStateFile(id, ctx.store(), events, this::snapshot);
        this.restartDecision = new TaskRestartDecision(parts, restarts);
        this.exits = new TaskExits(parts, restartDecision);
        this.steps = new TaskSteps(parts, id, exits);
        this.launch = new TaskLaunch(parts, configs, templates, restartDecision, exits);
        this.preparation = new TaskPreparation(parts, cores, configs, restartDecision, launch);
        this.stopRequests = new TaskStopRequests(parts, this.spec, templates);
        this.recovery = new TaskRecovery(parts, configs, templates, exits);
    }

    // ---- new task ---------------------------------------------------------------------------------------------

    /**
     * The first steps of a new task, up to prestart. Returns whether it may be started now; false too when its
     * lifecycle hook holds it back, before any of its preparation: it is prepared once let go
     * ({@link #prepareReleased}).
     */
    boolean prepareNew() {
        return preparation.prepareNew();
    }

    /** Prepares a task its lifecycle hook held back and now lets go. Returns whether it may be started. */
    boolean prepareReleased() {
        return preparation.prepareReleased();
    }

    /** Starts the prepared task, with the final environment (its own and its siblings' ports are known now). */
    void launch() {
        launch.launch();
    }

    /** Prepares and launches the task again once its restart wait is over (see {@link TaskRestartDecision}). */
    void relaunch() {
        preparation.relaunch();
    }

    /** Runs a step of this task on the runner's pool; whatever it throws ends the task instead of stranding it. */
    void runStep(String step, Runnable body) {
        steps.runStep(step, body);
    }

    /** Runs a step of this task here; whatever it throws ends the task instead of stranding it. */
    void guarded(String step, Runnable body) {
        steps.guarded(step, body);
    }

    /** A step failed in a way nobody planned for: the task ends as a Driver Failure (see {@link TaskSteps}). */
    void failedUnexpectedly(String step, Throwable t) {
        steps.failedUnexpectedly(step, t);
    }

    // ---- recovery ---------------------------------------------------------------------------------------------

    /** Restores fields from a state file; no event, no driver call. */
    synchronized void restore(PersistedTask p) {
        run.restore(stateRecord.read(p));
    }

    /**
     * Takes the restored task over: reattaches when it ran, or when the driver finds it running from a start whose
     * handle was never recorded; relaunches when it cannot be reattached or had not started; finishes cleanup when
     * it had ended. Returns what was done.
     */
    RecoveryOutcome recoverGuarded() {
        try {
            return recovery.recover();
        } catch (Throwable t) {
            failedUnexpectedly("recovering the task", t);
            return RecoveryOutcome.FINISHED;
        }
    }

    // ---- commands from the embedding API ---------------------------------------------------------------------

    /** Runs a command inside the running task through its driver. */
    ExecResult exec(ExecRequest request) {
        return commands.exec(request);
    }

    /** Sends a signal to the running task, after a Signaling event. */
    void signal(String signal) {
        commands.signal(signal);
    }

    /**
     * Stops the running task with its kill signal and kill timeout and starts it again at once, without counting
     * against its restart policy.
     */
    void restart() {
        restart("User requested task to restart");
    }

    /** {@link #restart()} with the Restart Signaled event's message. */
    void restart(String reason) {
        commands.restart(reason);
    }

    // ---- stopping ---------------------------------------------------------------------------------------------

    /** Stops the task for good; {@code reason} (may be null) is emitted first, e.g. Leader Task Dead. */
    void kill(@Nullable TaskEvent reason) {
        kill(reason, Duration.ZERO);
    }

    /**
     * Stops the task for good: its services are removed at once, and a running task is sent its kill signal after
     * {@code groupDelay} plus its own shutdown delay.
     */
    void kill(@Nullable TaskEvent reason, Duration groupDelay) {
        stopRequests.kill(reason, groupDelay);
    }

    /**
     * Ends a task that never started because its group's network could not be set up, as a failure with a Setup
     * Failure event saying why.
     */
    void failSetup(String message, Map<String, String> details) {
        stopRequests.failSetup(message, details);
    }

    /** Ends a task killed while it waited for its group's network, before it started. */
    void endUnstarted() {
        stopRequests.endUnstarted();
    }

    /** Lets go of a task that cannot be stopped, as a failure, so its allocation still completes. */
    private void giveUp(TaskHandle h, String message) {
        exits.giveUp(h, message);
    }

    /**
     * Releases this runner's hold on the task without stopping it (the runner is closing). A start in progress
     * finishes, records the task's handle and releases it too.
     */
    void detach() {
        stopRequests.detach();
    }

    /** Ends the task for good, as a failure or not: it is persisted, told to its allocation and cleaned up. */
    void finish(boolean asFailure) {
        synchronized (this) {
            if (run.phase instanceof Dead) {
                return;
            }
            run.on(new Finished(asFailure));
        }
        cores.release(); // ended for good: a restart keeps them
        templates.close();
        persist();
        alloc.taskDead(this);
        cleanupAndComplete();
    }

    /** Cleans up what the task created, then completes {@link #finished()} with its final status. */
    void cleanupAndComplete() {
        CreatedResources toClean;
        synchronized (this) {
            toClean = run.created;
        }
        CompletableFuture<Boolean> cleanup = stopper.cleanup(id, toClean, () -> configs.base(Map.of()));
        cleanup.thenRun(() -> {
            synchronized (this) {
                run.on(new CleanedUp());
            }
            persist();
            finished.complete(status());
        });
    }

    // ---- services ---------------------------------------------------------------------------------------------

    /** Registers the services of the running handle {@code h}, unless it already ended or is being killed. */
    void register(TaskHandle h) {
        if (!services.any()) {
            return;
        }
        // read before this task's lock is taken: reading a sibling's takes the sibling's lock
        ServicePorts seen = ServicePorts.of(ports, alloc.groupPortsOfSiblings(this));
        Optional<String> failure;
        synchronized (this) {
            if (!holds(h) || run.phase.killRequested()) {
                return;
            }
            failure = services.register(h, run.network, seen);
        }
        services.reportRegisterFailure(failure);
    }

    /** Removes the task's services from the registry. */
    void deregister() {
        Optional<String> failure;
        synchronized (this) {
            failure = services.deregister(run.network);
        }
        services.reportDeregisterFailure(failure);
    }

    // ---- views ------------------------------------------------------------------------------------------------

    /** Whether {@code h} is still the handle of the running task. */
    synchronized boolean holds(TaskHandle h) {
        return run.phase instanceof Running r && r.handle() == h;
    }

    /** Whether the task was asked to stop, or ended. */
    synchronized boolean stopRequested() {
        return run.stopRequested();
    }

    CompletableFuture<TaskStatus> finished() {
        return finished;
    }

    synchronized boolean isDead() {
        return run.phase instanceof Dead;
    }

    synchronized boolean hasFailed() {
        return run.phase instanceof Dead d && d.failed();
    }

    /** Whether the task ended for good after a successful run. */
    synchronized boolean succeeded() {
        return run.phase instanceof Dead d && !d.failed() && run.lastExit != null && run.lastExit.successful();
    }

    /** Whether the task started at least once, in this runner or an earlier one. */
    synchronized boolean hasStarted() {
        TaskState state = run.phase.state();
        return state == TaskState.RUNNING
                || state == TaskState.RESTARTING
                || run.restartCount > 0
                || events.all().stream().anyMatch(e -> e.type() == TaskEventType.STARTED);
    }

    /** Says why the task does not start yet: its lifecycle hook waits for other tasks. */
    void waiting(String message, Map<String, String> details) {
        emit(TaskEventType.WAITING, message, details);
        persist(false); // a runner started after this one shows why the task still waits
    }

    synchronized Map<String, Integer> portMap() {
        return run.portMap;
    }

    TaskStatus status() {
        synchronized (this) {
            TaskState state = run.phase.state();
            return new TaskStatus(
                    id,
                    spec.driver(),
                    state,
                    hasFailed(),
                    run.restartCount,
                    Optional.ofNullable(run.lastExit),
                    events.all(),
                    ports,
                    state == TaskState.RUNNING ? run.network : Optional.empty(),
                    dirs.allocDir(),
                    dirs.taskDir());
        }
    }

    List<TaskEvent> events() {
        return events.all();
    }

    /** A resource usage sample of the task through its driver, taken outside the lock. */
    TaskUsage usage() {
        TaskState state;
        TaskHandle h;
        synchronized (this) {
            state = run.phase.state();
            h = run.phase instanceof Running r && !r.killRequested() ? r.handle() : null;
        }
        return TaskUsageSampler.sample(id, spec, state, h);
    }

    /** The task's config as the spec writes it, with {@code env}: what the group's network and cleanup see. */
    TaskConfig baseConfig(Map<String, String> env) {
        return configs.base(env);
    }

    Resources resources() {
        return resources.get();
    }

    Map<String, String> ownEnvOverrides() {
        synchronized (this) {
            return run.envOverrides;
        }
    }

    TaskDirs dirs() {
        return dirs;
    }

    // ---- events and state -------------------------------------------------------------------------------------

    void emitTemplateEvent(String message) {
        emit(TaskEventType.TEMPLATE, message, Map.of());
    }

    private void emit(TaskEventType type, String message, Map<String, String> details) {
        events.emit(type, message, details);
    }

    void persist() {
        persist(true);
    }

    /** Writes the state file; {@code durable} forces it to disk. */
    void persist(boolean durable) {
        stateFile.write(durable);
    }

    /** Writes the first state of a task just submitted (see {@link TaskStateFile#writeSubmitted}). */
    void persistSubmitted() {
        stateFile.writeSubmitted();
    }

    /** What the state file keeps of the task now, taken under this lock (see {@link TaskStateFile} for the order). */
    private PersistedTask snapshot() {
        synchronized (this) {
            return stateRecord.write(run.fields());
        }
    }

    /** Closes a handle being let go; a failure is only logged. */
    static void closeQuietly(TaskHandle h) {
        try {
            h.close();
        } catch (Throwable e) { // nothing is left to do with a handle being let go
            LOG.warn("closing a task handle failed: {}", e.toString());
        }
    }
}
