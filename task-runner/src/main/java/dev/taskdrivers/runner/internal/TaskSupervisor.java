package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
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
import dev.taskdrivers.runner.internal.TaskPhase.Detached;
import dev.taskdrivers.runner.internal.TaskPhase.Restarting;
import dev.taskdrivers.runner.internal.TaskPhase.Restored;
import dev.taskdrivers.runner.internal.TaskPhase.Running;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.CleanedUp;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Detach;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Finished;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleEnded;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.HandleStateRead;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.KillRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Relaunching;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartRequested;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.RestartScheduled;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.Started;
import dev.taskdrivers.runner.internal.TaskPhaseEvent.StopAfterFailure;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetchException;
import dev.taskdrivers.runner.internal.catalog.NomadRegistrations.JobPlace;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates one task through its lifecycle: validate, directories, prestart, start, wait, restart or give up,
 * kill, cleanup. It holds the task's {@link TaskPhase} under this object's lock and moves it only through
 * {@link TaskPhase#on}; the steps themselves are {@link TaskStarter}'s, {@link TaskStopper}'s,
 * {@link TaskRestarter}'s and {@link TaskServicesLink}'s, the driver configs {@link TaskConfigs}' and the state file
 * {@link TaskStateFile}'s (with {@link TaskStateRecord}). It holds no thread: every step runs on the runner's
 * blocking pool and waiting chains on the handle's exit future. Driver calls happen outside the lock.
 *
 * <p>Locks: this object's lock guards the phase and the fields marked so below. The state file's own lock orders
 * the task's writes, and a write takes its snapshot under this lock while holding that one; so this object never
 * writes its state while it holds its own lock.
 */
final class TaskSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);

    final TaskId id;
    final TaskSpec spec;
    final List<Port> ports;
    private final RunnerContext ctx;
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

    TaskSupervisor(
            RunnerContext ctx,
            AllocationRunner alloc,
            TaskId id,
            TaskSpec spec,
            RestartPolicy policy,
            List<Port> ports) {
        this.ctx = ctx;
        this.alloc = alloc;
        this.id = id;
        // a recovered spec usually names its policy already: no copy of it then
        this.spec = policy.equals(spec.restart()) ? spec : spec.withRestart(policy);
        this.ports = List.copyOf(ports);
        this.dirs = TaskDirs.standard(ctx.allocRoot().resolve(id.allocId()), id.taskName());
        this.events = new TaskEvents(id, this.spec.driver(), ctx);
        this.starter = new TaskStarter(ctx, alloc.directories(), this.spec, dirs, events);
        this.stopper = new TaskStopper(ctx, this.spec, events, this::holds, this::giveUp);
        this.services =
                new TaskServicesLink(ctx, id, this.spec, events, JobPlace.of(alloc.job(), ctx.node()), this::unhealthy);
        this.cores = new TaskCores(ctx.cores(), id, this.spec.cores());
        this.resources = new TaskResources(this.spec, this.ports, cores::held);
        this.restarts = new TaskRestarter(ctx, policy);
        this.templates =
                new TaskTemplates(ctx, this.spec, dirs, events, new TemplateChanges(this), alloc.interpolation());
        this.configs =
                new TaskConfigs(id, this.spec, dirs, resources, alloc, () -> alloc.environmentFor(this), services);
        this.stateRecord = new TaskStateRecord(id, this.spec, this.ports, alloc, cores, restarts, events);
        this.stateFile = new TaskStateFile(id, ctx.store(), events, this::snapshot);
    }

    // ---- new task ---------------------------------------------------------------------------------------------

    /**
     * The first steps of a new task, up to prestart. Returns whether it may be started now; false too when its
     * lifecycle hook holds it back, before any of its preparation: it is prepared once let go
     * ({@link #prepareReleased}).
     */
    boolean prepareNew() {
        try {
            emit(TaskEventType.RECEIVED, "Task received by client", Map.of());
            return hookLetsGo() && prepare(false); // submit() had the driver validate it
        } catch (Throwable t) {
            failedUnexpectedly("preparing the task", t);
            return false;
        }
    }

    /**
     * Whether its lifecycle hook lets the task be prepared now; if not, it waits parked (a Waiting event says for
     * what) and is prepared once let go. A task killed before, or while it was being parked, ends here.
     */
    private boolean hookLetsGo() {
        if (stopRequested()) {
            finish(false);
            return false;
        }
        if (alloc.mayPrepare(this)) {
            return true;
        }
        // a kill that came while it was being parked found nothing to take back: it is taken back here
        if (stopRequested() && alloc.unparkKilled(this)) {
            emit(TaskEventType.KILLED, "Task killed before it started (it was waiting for other tasks)", Map.of());
            finish(false);
        }
        return false;
    }

    /** Prepares a task its lifecycle hook held back and now lets go. Returns whether it may be started. */
    boolean prepareReleased() {
        try {
            boolean validate;
            boolean stopped;
            synchronized (this) {
                if (run.detachRequested) {
                    return false; // the runner is closing: the next one prepares it
                }
                validate = run.revalidate;
                stopped = run.phase.killRequested() || run.phase instanceof Dead;
            }
            if (stopped) { // killed as it was let go: nothing of it is prepared
                finish(false);
                return false;
            }
            return prepare(validate);
        } catch (Throwable t) {
            failedUnexpectedly("preparing the task", t);
            return false;
        }
    }

    /** Runs a step of this task on the runner's pool; whatever it throws ends the task instead of stranding it. */
    void runStep(String step, Runnable body) {
        ctx.blocking().execute(() -> guarded(step, body));
    }

    /** Runs a step of this task here; whatever it throws ends the task instead of stranding it. */
    void guarded(String step, Runnable body) {
        try {
            body.run();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!ctx.blocking().isShutdown()) {
                failedUnexpectedly(step, e);
            }
            // else the runner is closing: the task is left as it is for the next runner to take over
            LOG.debug("task {}: {} not finished, the runner is closing", id, step);
        } catch (Throwable t) {
            failedUnexpectedly(step, t);
        }
    }

    /**
     * A step failed in a way nobody planned for: the task ends as a Driver Failure with the cause. A task that is
     * running is stopped first (its end then counts as a failure), so nothing is left behind unwatched.
     */
    private void failedUnexpectedly(String step, Throwable t) {
        LOG.error("task {}: {} failed unexpectedly", id, step, t);
        TaskHandle h = null;
        synchronized (this) {
            if (run.phase instanceof Dead) {
                return;
            }
            if (run.phase instanceof Running r) {
                h = r.handle();
                run.on(new StopAfterFailure());
            }
            run.lastExit = ExitResult.failed(step + " failed: " + t);
        }
        String message = t instanceof DriverException && t.getMessage() != null
                ? t.getMessage()
                : step + " failed unexpectedly: " + t;
        emit(
                TaskEventType.DRIVER_FAILURE,
                message,
                Map.of("error_code", ErrorCode.INTERNAL.name(), "recoverable", "false"));
        if (h != null) {
            try {
                watch(h); // a task stopped by the runner is still waited for
            } catch (DriverException e) {
                giveUp(h, "cannot wait for the task to end: " + e.getMessage());
                return;
            }
            deregister();
            stopper.stop(h);
        } else {
            finish(true);
        }
    }

    private boolean prepare(boolean validate) {
        Optional<String> noCores = cores.reserve(); // before the driver sees the task: its cores are in its config
        if (noCores.isPresent()) {
            emit(TaskEventType.SETUP_FAILURE, noCores.get(), Map.of());
            finish(true);
            return false;
        }
        try {
            alloc.confirmNetwork(); // a restored allocation's network, before the task's config joins it
        } catch (DriverException e) {
            driverFailure(e);
            return false;
        }
        Optional<PrestartResult> prepared;
        try {
            prepared = starter.prepare(validate, configs::prestart, configs::artifact, this::stopRequested);
        } catch (DriverException e) { // the prestart failed; validation failures are events already
            driverFailure(e);
            return false;
        } catch (ArtifactFetchException e) { // its event is out already
            artifactFailure(e);
            return false;
        }
        if (prepared.isEmpty()) {
            finish(true);
            return false;
        }
        PrestartResult result = prepared.get();
        synchronized (this) {
            run.portMap = result.portMap();
            run.envOverrides = result.envOverrides();
            run.created = run.created.merge(result.created());
        }
        if (!result.created().isEmpty()) {
            persist(true); // resources to clean up even after a power loss
        }
        // else nothing recovery needs changed: a task recovered before its start is prepared again anyway
        return true;
    }

    /** Starts the prepared task, with the final environment (its own and its siblings' ports are known now). */
    void launch() {
        boolean stopped;
        synchronized (this) {
            if (run.detachRequested) {
                return; // the runner is closing: its state says not started, so the next runner starts it
            }
            stopped = run.phase.killRequested() || run.phase instanceof Dead;
        }
        if (stopped) {
            finish(false);
            return;
        }
        Map<String, String> env = alloc.environmentFor(this);
        TaskTemplates.Readiness templatesReady = templates.ready(env, () -> runStep("starting the task", this::launch));
        if (templatesReady == TaskTemplates.Readiness.WAITING) {
            return; // launched again once every template rendered (the event says what is missing), or killed
        }
        if (templatesReady == TaskTemplates.Readiness.FAILED) {
            finish(true);
            return;
        }
        StartResult result;
        try {
            result = starter.start(alloc.joinNetwork(configs.start(TemplateChanges.withTemplateEnv(env, templates))));
        } catch (DriverException e) {
            driverFailure(e);
            return;
        }
        TaskHandle h = result.handle();
        boolean stopNow;
        synchronized (this) {
            // from here on the task is stopped, never forgotten, whatever fails next
            run.on(new Started(h));
            run.network = result.network();
            run.created = run.created.merge(result.created());
            stopNow = run.phase.killRequested();
        }
        HandleState reattach = starter.handleState(h);
        synchronized (this) {
            run.on(new HandleStateRead(h, reattach));
        }
        // the handle reaches the state file before anyone hears of the start: a runner killed from here on leaves
        // a state from which the next one reattaches this task instead of starting it a second time
        persist(false);
        emit(TaskEventType.STARTED, "Task started by client", Map.of());
        persist(!result.created().isEmpty()); // with the Started event; forced to disk for what must be cleaned up
        if (!stopNow && letGoAfterStart()) {
            closeQuietly(h); // its handle is recorded: the next runner reattaches the task
            return;
        }
        alloc.taskStarted(this); // tasks whose lifecycle waited for this start go now
        ctx.spares().refill(); // for the next allocation, now that this start is done
        // registered before its exit is waited for, so even a task that ends at once is advertised and withdrawn in
        // that order; a registry failure is reported by register() and never skips the wait
        register(h);
        watch(h);
        if (stopNow) {
            stopper.stop(h);
        }
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
            return recover();
        } catch (Throwable t) {
            failedUnexpectedly("recovering the task", t);
            return RecoveryOutcome.FINISHED;
        }
    }

    private RecoveryOutcome recover() {
        TaskPhase restored;
        synchronized (this) {
            restored = run.phase;
        }
        if (restored instanceof Dead dead) {
            if (dead.cleanedUp()) {
                finished.complete(status());
            } else {
                cleanupAndComplete();
            }
            return RecoveryOutcome.FINISHED;
        }
        HandleState saved = restored instanceof Restored r ? r.saved() : null;
        if (restored.state() == TaskState.RUNNING && saved != null) {
            Optional<TaskHandle> h = starter.reattach(configs.start(), saved);
            if (h.isPresent()) {
                adopt(h.get(), saved, "recording the reattached task");
                return RecoveryOutcome.REATTACHED;
            }
        }
        Optional<TaskHandle> unrecorded = starter.findUnrecorded(configs.start());
        if (unrecorded.isPresent()) {
            takeOver(unrecorded.get());
            return RecoveryOutcome.REATTACHED;
        }
        synchronized (this) {
            run.on(new Relaunching());
        }
        persist();
        runStep("relaunching the task", this::relaunch);
        return RecoveryOutcome.RELAUNCHED;
    }

    /** Takes over a running task whose handle was never recorded, as a reattach does. */
    private void takeOver(TaskHandle h) {
        emit(
                TaskEventType.DRIVER,
                "Task was found running from a start the runner had not recorded, and was taken" + " over",
                Map.of());
        adopt(h, null, "recording the task taken over");
    }

    /**
     * Makes a running handle this task's: from here on the task is watched, so nothing that fails later starts it a
     * second time. Its state is written when it differs from {@code saved} (the state file's; null when none).
     */
    private void adopt(TaskHandle h, @Nullable HandleState saved, String step) {
        boolean stopNow;
        synchronized (this) {
            run.on(new Started(h));
            // killed while it was being taken over, e.g. by its leader's end seen by the sibling recovered first
            stopNow = run.phase.killRequested();
        }
        watch(h);
        if (!templates.isEmpty()) { // the environment is built only when a template needs it
            templates.resume(alloc.environmentFor(this));
        }
        guarded(step, () -> {
            HandleState now = starter.handleState(h);
            synchronized (this) {
                run.on(new HandleStateRead(h, now));
            }
            if (!now.equals(saved)) {
                persist();
            }
        });
        if (stopNow) {
            stopper.stop(h);
            return;
        }
        register(h);
        alloc.taskStarted(this);
    }

    // ---- running ----------------------------------------------------------------------------------------------

    private void watch(TaskHandle h) {
        synchronized (this) {
            if (run.watched == h) {
                return;
            }
        }
        CompletableFuture<ExitResult> exit = starter.exitFuture(h);
        synchronized (this) {
            if (run.watched == h) {
                return;
            }
            run.watched = h;
        }
        exit.whenCompleteAsync(
                (result, error) -> guarded(
                        "handling the task's exit",
                        () -> exited(
                                h,
                                error != null
                                        ? ExitResult.failed("waiting for the task failed: " + error)
                                        : result != null
                                                ? result
                                                : ExitResult.failed("the driver reported no exit result"))),
                ctx.blocking());
    }

    /** Whether {@code h} is still the handle of the running task. */
    private synchronized boolean holds(TaskHandle h) {
        return run.phase instanceof Running r && r.handle() == h;
    }

    private void exited(TaskHandle h, ExitResult result) {
        TaskPhase.Stop stop;
        boolean unhealthy;
        synchronized (this) {
            if (!holds(h)) {
                return;
            }
            stop = ((Running) run.phase).stop();
            unhealthy = run.stoppedUnhealthy == h;
            run.stoppedUnhealthy = null;
            run.on(new HandleEnded(h));
            run.lastExit = result;
        }
        closeQuietly(h);
        deregister();
        Map<String, String> details = ExitDescriptions.details(result);
        if (stop.isKill()) {
            emit(TaskEventType.KILLED, stopper.killedMessage(result), details);
            finish(stop == TaskPhase.Stop.KILL_AFTER_FAILURE);
        } else {
            emit(TaskEventType.TERMINATED, ExitDescriptions.describe(result), details);
            if (stop == TaskPhase.Stop.RESTART) {
                restartNow();
            } else if (result.successful()
                    && !unhealthy
                    && !alloc.role(this).restartsOnSuccess(alloc.job().type())) {
                finish(false); // done: a batch task, or a hook task that is not a sidecar
            } else {
                // a service task is meant to run until stopped: any exit goes through the restart policy
                restartOrFail();
            }
        }
    }

    /** Relaunches at once after a requested restart; it does not count against the restart policy. */
    private void restartNow() {
        emit(TaskEventType.RESTARTING, "Task restarting at the user's request", Map.of("restart_delay_ms", "0"));
        synchronized (this) {
            run.on(new RestartScheduled(null));
            run.restartCount++;
        }
        persist();
        runStep("restarting the task", this::relaunch);
    }

    // ---- commands from the embedding API ---------------------------------------------------------------------

    /** Runs a command inside the running task through its driver. */
    ExecResult exec(ExecRequest request) {
        TaskHandle h = runningHandle("exec in");
        return Boundary.driver(spec.driver(), "exec", () -> h.exec(request));
    }

    /** Sends a signal to the running task, after a Signaling event. */
    void signal(String signal) {
        TaskHandle h = runningHandle("signal");
        emit(TaskEventType.SIGNALING, "Task being sent signal " + signal, Map.of("signal", signal));
        Boundary.driverRun(spec.driver(), "signal", () -> h.signal(signal));
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
        TaskHandle h;
        synchronized (this) {
            h = runningHandle("restart");
            TaskPhase next = run.phase.on(new RestartRequested());
            if (next == run.phase) {
                return; // already on its way down
            }
            run.phase = next;
        }
        emit(TaskEventType.RESTART_SIGNALED, reason, Map.of());
        deregister(); // stop sending traffic before the task is asked to stop
        stopper.stop(h);
    }

    /**
     * Stops running task {@code h} because a check stayed unhealthy past its {@code check_restart} limit; unlike a
     * requested restart, its end goes through the restart policy as a failure, as in Nomad. Called on a check
     * thread, it stops the task on the runner's pool.
     */
    private void unhealthy(TaskHandle h, String reason) {
        try {
            ctx.blocking()
                    .execute(() -> guarded("restarting the task for an unhealthy check", () -> {
                        synchronized (this) {
                            if (!(run.phase instanceof Running r)
                                    || r.handle() != h
                                    || r.stop() != TaskPhase.Stop.NONE) {
                                return; // it ended, or is being stopped or restarted already
                            }
                            run.stoppedUnhealthy = h; // as in Nomad, its end goes through the restart policy
                        }
                        emit(TaskEventType.RESTART_SIGNALED, reason, Map.of());
                        deregister(); // stop sending traffic before the task is asked to stop
                        stopper.stop(h);
                    }));
        } catch (RejectedExecutionException e) {
            // the runner is closing: the task is left to the next runner
        }
    }

    private synchronized TaskHandle runningHandle(String action) {
        if (run.phase instanceof Running r && !r.killRequested()) {
            return r.handle();
        }
        throw new IllegalStateException("cannot " + action + " task " + id.taskName() + " of " + id.allocName()
                + ": it is not running (state " + run.phase.state()
                + (run.phase.killRequested() ? ", being stopped" : "")
                + ")");
    }

    private void restartOrFail() {
        RestartTracker.Decision decision;
        synchronized (this) {
            decision = run.phase.killRequested() ? null : restarts.onFailure();
        }
        if (decision == null) {
            finish(false);
            return;
        }
        if (!decision.restart()) {
            emit(TaskEventType.NOT_RESTARTING, decision.message(), Map.of());
            finish(true);
            return;
        }
        emit(
                TaskEventType.RESTARTING,
                decision.message(),
                Map.of("restart_delay_ms", Long.toString(decision.delay().toMillis())));
        synchronized (this) {
            ScheduledFuture<?> pending =
                    restarts.schedule(decision, () -> runStep("restarting the task", this::relaunch));
            run.on(new RestartScheduled(pending));
            run.restartCount++;
        }
        persist();
    }

    private void relaunch() {
        boolean stop;
        synchronized (this) {
            if (run.phase instanceof Detached) {
                return; // this runner let go of the task: the next one starts it
            }
            stop = run.phase.killRequested() || run.phase instanceof Dead;
            if (!stop) {
                run.on(new Relaunching());
                run.revalidate = true; // it may be a recovered spec, read from a file and never seen by submit()
            }
        }
        if (stop) {
            finish(false);
        } else if (hookLetsGo() && prepare(true)) { // a recovered task may still wait for its hook
            launch();
        }
    }

    /** A task whose artifact failed follows its restart policy, unless no later try can succeed. */
    private void artifactFailure(ArtifactFetchException e) {
        synchronized (this) {
            run.lastExit = ExitResult.failed("failed to download an artifact: " + e.getMessage());
        }
        if (e.isRecoverable() && !stopRequested()) {
            restartOrFail();
        } else {
            finish(!stopRequested());
        }
    }

    /** Whether the task was asked to stop, or ended. */
    synchronized boolean stopRequested() {
        return run.stopRequested();
    }

    private void driverFailure(DriverException e) {
        emit(
                TaskEventType.DRIVER_FAILURE,
                Objects.requireNonNullElse(e.getMessage(), e.toString()),
                Map.of("error_code", e.code().name(), "recoverable", Boolean.toString(e.isRecoverable())));
        synchronized (this) {
            String message = e.getMessage();
            run.lastExit =
                    ExitResult.failed(message == null || message.isBlank() ? "driver error " + e.code() : message);
        }
        if (e.isRecoverable()) {
            restartOrFail();
        } else {
            finish(true);
        }
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
        TaskPhase before;
        synchronized (this) {
            before = run.phase;
            if (before.killRequested() || before instanceof Dead) {
                return;
            }
            // a detached task stays as it is (another runner takes it over), but its services are still removed
            run.phase = before.on(new KillRequested());
        }
        if (reason != null) {
            record(reason);
        }
        deregister(); // stop sending traffic before the task is asked to stop
        templates.wake(); // a start waiting for its templates finishes now
        if (before instanceof Running r) {
            stopper.stopAfter(r.handle(), groupDelay.plus(spec.shutdownDelay()));
        } else if (before instanceof Restarting r
                && r.pending() != null
                && r.pending().cancel(false)) {
            emit(TaskEventType.KILLED, "Task killed while waiting to restart", Map.of());
            finish(false);
        } else if (alloc.unparkKilled(this)) {
            emit(TaskEventType.KILLED, "Task killed before it started (it was waiting for other tasks)", Map.of());
            finish(false);
        } else if (alloc.waitsForNetwork()) {
            endUnstarted();
        }
        // otherwise it is being set up: launch() sees the kill request and stops there
    }

    /**
     * Ends a task that never started because its group's network could not be set up, as a failure with a Setup
     * Failure event saying why.
     */
    void failSetup(String message, Map<String, String> details) {
        synchronized (this) {
            if (run.phase instanceof Dead || run.endingUnstarted) {
                return;
            }
            run.endingUnstarted = true;
            run.lastExit = ExitResult.failed(message);
        }
        emit(TaskEventType.SETUP_FAILURE, message, details);
        finish(true);
    }

    /** Ends a task killed while it waited for its group's network, before it started. */
    void endUnstarted() {
        synchronized (this) {
            if (run.phase instanceof Dead || run.endingUnstarted) {
                return;
            }
            run.endingUnstarted = true;
        }
        emit(TaskEventType.KILLED, "Task killed before it started (it was waiting for the group's network)", Map.of());
        finish(false);
    }

    /** Lets go of a task that cannot be stopped, as a failure, so its allocation still completes. */
    private void giveUp(TaskHandle h, String message) {
        synchronized (this) {
            if (!holds(h)) {
                return;
            }
            run.on(new HandleEnded(h));
            run.lastExit = ExitResult.failed(message);
        }
        emit(TaskEventType.DRIVER_FAILURE, message, Map.of("error_code", ErrorCode.INTERNAL.name()));
        closeQuietly(h);
        deregister();
        finish(true);
    }

    /** Whether the runner closed while the task was being started; if so the task is now detached. */
    private synchronized boolean letGoAfterStart() {
        if (run.detachRequested) {
            run.on(new Detach());
        }
        return run.detachRequested;
    }

    /**
     * Releases this runner's hold on the task without stopping it (the runner is closing). A start in progress
     * finishes, records the task's handle and releases it too.
     */
    void detach() {
        TaskPhase before;
        synchronized (this) {
            before = run.phase;
            run.on(new Detach());
            run.detachRequested = true;
        }
        templates.close();
        if (before instanceof Restarting r && r.pending() != null) {
            r.pending().cancel(false);
        }
        if (before instanceof Running r) {
            closeQuietly(r.handle());
        }
    }

    private void finish(boolean asFailure) {
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

    private void cleanupAndComplete() {
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
    private void register(TaskHandle h) {
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

    private void deregister() {
        Optional<String> failure;
        synchronized (this) {
            failure = services.deregister(run.network);
        }
        services.reportDeregisterFailure(failure);
    }

    // ---- views ------------------------------------------------------------------------------------------------

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

    private void record(TaskEvent event) {
        events.record(event);
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

    private static void closeQuietly(TaskHandle h) {
        try {
            h.close();
        } catch (Throwable e) { // nothing is left to do with a handle being let go
            LOG.warn("closing a task handle failed: {}", e.toString());
        }
    }
}
