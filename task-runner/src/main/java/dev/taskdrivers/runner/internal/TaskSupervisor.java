package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverNetwork;
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
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.services.TaskServices;
import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.StateStore;
import dev.taskdrivers.runner.internal.state.TaskStateCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task through its lifecycle: validate, directories, prestart, start, wait, restart or give up, kill,
 * cleanup. It holds no thread: every step runs on the runner's blocking pool and waiting chains on the handle's exit
 * future. State changes happen under this object's lock; driver calls happen outside it.
 */
final class TaskSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);
    private static final int PERSISTED_EVENTS = 50;

    final TaskId id;
    final TaskSpec spec;
    final List<Port> ports;
    private final RunnerContext ctx;
    private final AllocationRunner alloc;
    private final TaskDirs dirs;
    private final RestartPolicy policy;
    /** The spec as written to the state file; it never changes, so it is built once (by the first write). */
    private Map<String, Object> specJson;
    private final EventLog events = new EventLog();
    private final Object persistLock = new Object();
    /** Whether a state file was written; guarded by persistLock. */
    private boolean written;
    private final CompletableFuture<TaskStatus> finished = new CompletableFuture<>();

    private TaskState state = TaskState.PENDING;
    private Map<String, Integer> portMap = Map.of();
    private Map<String, String> envOverrides = Map.of();
    private TaskHandle handle;
    private HandleState handleState;
    private CreatedResources created = CreatedResources.empty();
    private Optional<DriverNetwork> network = Optional.empty();
    private RestartTracker restarts;
    private int restartCount;
    private ExitResult lastExit;
    private boolean failed;
    private boolean cleanedUp;
    private boolean killRequested;
    private boolean registered;
    private boolean restartRequested;
    private ScheduledFuture<?> pendingRestart;
    /** Set when the runner itself had to stop the task after an unexpected failure: its end is a failure. */
    private boolean stoppedAfterFailure;
    /** The handle whose exit is being waited for. */
    private TaskHandle watched;
    /** Whether the last state write failed; a Task hook failed event is emitted once per run of failures. */
    private boolean persistFailing;

    TaskSupervisor(RunnerContext ctx, AllocationRunner alloc, TaskId id, TaskSpec spec, RestartPolicy policy,
            List<Port> ports) {
        this.ctx = ctx;
        this.alloc = alloc;
        this.id = id;
        this.spec = spec.withRestart(policy);
        this.policy = policy;
        this.ports = List.copyOf(ports);
        this.dirs = TaskDirs.standard(ctx.allocRoot().resolve(id.allocId()), id.taskName());
        this.restarts = new RestartTracker(policy, null, 0);
    }

    // ---- new task ---------------------------------------------------------------------------------------------

    /** The first steps of a new task, up to prestart. Returns whether it may be started. */
    boolean prepareNew() {
        try {
            emit(TaskEventType.RECEIVED, "Task received by client", Map.of());
            return prepare(false); // submit() had the driver validate it
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
        TaskHandle h;
        synchronized (this) {
            if (state == TaskState.DEAD) {
                return;
            }
            h = handle;
            if (h != null) {
                stoppedAfterFailure = true;
                killRequested = true;
            }
            lastExit = ExitResult.failed(step + " failed: " + t);
        }
        String message = t instanceof DriverException ? t.getMessage() : step + " failed unexpectedly: " + t;
        emit(TaskEventType.DRIVER_FAILURE, message, Map.of("error_code", ErrorCode.INTERNAL.name(),
                "recoverable", "false"));
        if (h != null) {
            try {
                watch(h); // a task stopped by the runner is still waited for
            } catch (DriverException e) {
                giveUp(h, "cannot wait for the task to end: " + e.getMessage());
                return;
            }
            deregister();
            stopHandle(h);
        } else {
            finish(true);
        }
    }

    private boolean prepare(boolean validate) {
        Driver driver;
        try {
            driver = Boundary.driver(spec.driver(), "create", () -> ctx.drivers().driver(spec.driver()));
            List<ValidationProblem> problems = validate
                    ? Boundary.driver(spec.driver(), "validate", () -> driver.validate(baseConfig(Map.of())))
                    : List.of();
            if (!problems.isEmpty()) {
                emit(TaskEventType.FAILED_VALIDATION, problems.stream().map(ValidationProblem::toString)
                        .collect(Collectors.joining("; ")), Map.of());
                finish(true);
                return false;
            }
        } catch (DriverException e) {
            emit(TaskEventType.FAILED_VALIDATION, e.getMessage(), Map.of());
            finish(true);
            return false;
        }
        emit(TaskEventType.TASK_SETUP, "Building Task Directory", Map.of("dir", dirs.taskDir().toString()));
        try {
            alloc.directories().create(dirs);
        } catch (IOException | RuntimeException e) {
            emit(TaskEventType.SETUP_FAILURE, "failed to build task directory " + dirs.taskDir() + ": " + e,
                    Map.of());
            finish(true);
            return false;
        }
        try {
            PrestartResult result = Boundary.driver(spec.driver(), "prestart",
                    () -> driver.prestart(baseConfig(Map.of()), this::emitFromDriver));
            synchronized (this) {
                portMap = result.portMap();
                envOverrides = result.envOverrides();
                created = created.merge(result.created());
            }
            if (!result.created().isEmpty()) {
                persist(true); // resources to clean up even after a power loss
            }
            // else nothing recovery needs changed: a task recovered before its start is prepared again anyway
            return true;
        } catch (DriverException e) {
            driverFailure(e);
            return false;
        }
    }

    /** Starts the prepared task, with the final environment (its own and its siblings' ports are known now). */
    void launch() {
        boolean stopped;
        synchronized (this) {
            stopped = killRequested || state == TaskState.DEAD;
        }
        if (stopped) {
            finish(false);
            return;
        }
        StartResult result;
        try {
            TaskConfig config = baseConfig(alloc.environmentFor(this));
            result = Boundary.driver(spec.driver(), "start",
                    () -> ctx.drivers().driver(spec.driver()).start(config, this::emitFromDriver));
            if (result == null || result.handle() == null) {
                throw Boundary.unexpected(spec.driver(), "start", new NullPointerException("no task handle"));
            }
        } catch (DriverException e) {
            driverFailure(e);
            return;
        }
        TaskHandle h = result.handle();
        boolean stopNow;
        synchronized (this) {
            handle = h; // from here on the task is stopped, never forgotten, whatever fails next
            network = result.network();
            created = created.merge(result.created());
            state = TaskState.RUNNING;
            stopNow = killRequested;
        }
        HandleState reattach = Boundary.driver(spec.driver(), "state", h::state);
        synchronized (this) {
            if (handle == h) {
                handleState = reattach;
            }
        }
        // the handle reaches the state file before anyone hears of the start: a runner killed from here on leaves
        // a state from which the next one reattaches this task instead of starting it a second time
        persist(false);
        emit(TaskEventType.STARTED, "Task started by client", Map.of());
        persist(!result.created().isEmpty()); // with the Started event; forced to disk for what must be cleaned up
        ctx.spares().refill(); // for the next allocation, now that this start is done
        // registered before its exit is waited for, so even a task that ends at once is advertised and withdrawn in
        // that order; a registry failure is reported by register() and never skips the wait
        register(h);
        watch(h);
        if (stopNow) {
            stopHandle(h);
        }
    }

    // ---- recovery ---------------------------------------------------------------------------------------------

    /** Restores fields from a state file; no event, no driver call. */
    synchronized void restore(PersistedTask p) {
        state = TaskState.valueOf(p.status());
        portMap = p.portMap() == null ? Map.of() : Map.copyOf(p.portMap());
        envOverrides = p.envOverrides() == null ? Map.of() : Map.copyOf(p.envOverrides());
        handleState = p.handle() == null ? null
                : new HandleState(p.handle().driver(), p.handle().version(), p.handle().data());
        created = p.created() == null ? CreatedResources.empty() : CreatedResources.of(p.created());
        network = p.network() == null ? Optional.empty()
                : Optional.of(DriverNetwork.builder().ip(p.network().ip())
                        .portMap(p.network().portMap()).autoAdvertise(p.network().autoAdvertise()).build());
        restartCount = p.restartCount();
        restarts = new RestartTracker(policy, p.restartWindowStart() == 0 ? null
                : Instant.ofEpochMilli(p.restartWindowStart()), p.restartWindowCount());
        lastExit = p.lastExit() == null ? null : ExitResult.builder()
                .exitCode(p.lastExit().exitCode()).signal(p.lastExit().signal()).oomKilled(p.lastExit().oomKilled())
                .error(p.lastExit().error()).build();
        failed = p.failed();
        cleanedUp = p.cleanedUp();
        if (p.events() != null) {
            List<TaskEvent> restored = new ArrayList<>();
            for (PersistedTask.EventRecord e : p.events()) {
                restored.add(new TaskEvent(TaskEventType.valueOf(e.type()), Instant.ofEpochMilli(e.time()),
                        e.message(), e.details() == null ? Map.of() : e.details()));
            }
            events.addAll(restored);
        }
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
        TaskState restoredState;
        HandleState saved;
        synchronized (this) {
            restoredState = state;
            saved = handleState;
        }
        if (restoredState == TaskState.DEAD) {
            if (cleanedUp) {
                finished.complete(status());
            } else {
                cleanupAndComplete();
            }
            return RecoveryOutcome.FINISHED;
        }
        if (restoredState == TaskState.RUNNING && saved != null) {
            TaskHandle h;
            try {
                TaskConfig config = baseConfig(alloc.environmentFor(this));
                h = Boundary.driver(spec.driver(), "recover", () -> ctx.drivers().driver(spec.driver())
                        .recover(config, saved, this::emitFromDriver));
                if (h == null) {
                    throw Boundary.unexpected(spec.driver(), "recover", new NullPointerException("no task handle"));
                }
            } catch (DriverException e) {
                h = null;
                emit(TaskEventType.FAILED_RESTORING_TASK, "failed to restore task: " + e.getMessage(),
                        Map.of("error_code", e.code().name()));
            }
            if (h != null) {
                adopt(h, saved, "recording the reattached task");
                return RecoveryOutcome.REATTACHED;
            }
        }
        Optional<TaskHandle> unrecorded = findUnrecorded();
        if (unrecorded.isPresent()) {
            takeOver(unrecorded.get());
            return RecoveryOutcome.REATTACHED;
        }
        synchronized (this) {
            state = TaskState.PENDING;
            handleState = null;
        }
        persist();
        runStep("relaunching the task", this::relaunch);
        return RecoveryOutcome.RELAUNCHED;
    }

    /**
     * Asks the driver for a copy of this task it started but whose handle never reached the state file (the runner
     * died between the start and that write), so it is taken over instead of being started a second time. A driver
     * that fails to tell leaves the task to be started again, as one that cannot tell at all does.
     */
    private Optional<TaskHandle> findUnrecorded() {
        try {
            TaskConfig config = baseConfig(alloc.environmentFor(this));
            Optional<TaskHandle> found = Boundary.driver(spec.driver(), "findUnrecorded", () -> ctx.drivers()
                    .driver(spec.driver()).findUnrecorded(config, this::emitFromDriver));
            return found == null ? Optional.empty() : found;
        } catch (DriverException e) {
            emit(TaskEventType.FAILED_RESTORING_TASK, "cannot tell whether the task is still running from an"
                    + " earlier start: " + e.getMessage() + "; starting it again", Map.of("error_code",
                    e.code().name()));
            return Optional.empty();
        }
    }

    /** Takes over a running task whose handle was never recorded, as a reattach does. */
    private void takeOver(TaskHandle h) {
        emit(TaskEventType.DRIVER, "Task was found running from a start the runner had not recorded, and was taken"
                + " over", Map.of());
        adopt(h, null, "recording the task taken over");
    }

    /**
     * Makes a running handle this task's: from here on the task is watched, so nothing that fails later starts it a
     * second time. Its state is written when it differs from {@code saved} (the state file's; null when none).
     */
    private void adopt(TaskHandle h, HandleState saved, String step) {
        synchronized (this) {
            handle = h;
            state = TaskState.RUNNING;
        }
        watch(h);
        guarded(step, () -> {
            HandleState now = Boundary.driver(spec.driver(), "state", h::state);
            synchronized (this) {
                if (handle == h) {
                    handleState = now;
                }
            }
            if (!now.equals(saved)) {
                persist();
            }
        });
        register(h);
    }

    // ---- running ----------------------------------------------------------------------------------------------

    private void watch(TaskHandle h) {
        synchronized (this) {
            if (watched == h) {
                return;
            }
        }
        CompletableFuture<ExitResult> exit = Boundary.driver(spec.driver(), "exitFuture", h::exitFuture);
        if (exit == null) {
            throw Boundary.unexpected(spec.driver(), "exitFuture", new NullPointerException("no exit future"));
        }
        synchronized (this) {
            if (watched == h) {
                return;
            }
            watched = h;
        }
        exit.whenCompleteAsync((result, error) -> guarded("handling the task's exit", () -> exited(h,
                error != null ? ExitResult.failed("waiting for the task failed: " + error)
                        : result != null ? result : ExitResult.failed("the driver reported no exit result"))),
                ctx.blocking());
    }

    private void exited(TaskHandle h, ExitResult result) {
        boolean killed;
        boolean userRestart;
        synchronized (this) {
            if (handle != h) {
                return;
            }
            handle = null;
            handleState = null;
            lastExit = result;
            killed = killRequested;
            userRestart = restartRequested && !killed;
            restartRequested = false;
        }
        closeQuietly(h);
        deregister();
        Map<String, String> details = exitDetails(result);
        if (killed) {
            boolean asFailure;
            synchronized (this) {
                asFailure = stoppedAfterFailure;
            }
            emit(TaskEventType.KILLED, killedMessage(result), details);
            finish(asFailure);
        } else {
            emit(TaskEventType.TERMINATED, describe(result), details);
            if (userRestart) {
                restartNow();
            } else if (result.successful() && alloc.job().type() == JobType.BATCH) {
                finish(false);
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
            state = TaskState.RESTARTING;
            restartCount++;
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
        TaskHandle h;
        synchronized (this) {
            h = runningHandle("restart");
            if (restartRequested) {
                return; // already on its way down
            }
            restartRequested = true;
        }
        emit(TaskEventType.RESTART_SIGNALED, "User requested task to restart", Map.of());
        deregister(); // stop sending traffic before the task is asked to stop
        stopHandle(h);
    }

    private synchronized TaskHandle runningHandle(String action) {
        if (state != TaskState.RUNNING || handle == null || killRequested) {
            throw new IllegalStateException("cannot " + action + " task " + id.taskName() + " of " + id.allocName()
                    + ": it is not running (state " + state + (killRequested ? ", being stopped" : "") + ")");
        }
        return handle;
    }

    private void restartOrFail() {
        RestartTracker.Decision decision;
        synchronized (this) {
            if (killRequested) {
                decision = null;
            } else {
                decision = restarts.onFailure(Instant.now());
            }
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
        emit(TaskEventType.RESTARTING, decision.message(),
                Map.of("restart_delay_ms", Long.toString(decision.delay().toMillis())));
        synchronized (this) {
            state = TaskState.RESTARTING;
            restartCount++;
            pendingRestart = ctx.scheduler().schedule(() -> runStep("restarting the task", this::relaunch),
                    decision.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
        persist();
    }

    private void relaunch() {
        boolean stop;
        synchronized (this) {
            pendingRestart = null;
            stop = killRequested || state == TaskState.DEAD;
            if (!stop) {
                state = TaskState.PENDING;
            }
        }
        if (stop) {
            finish(false);
        } else if (prepare(true)) { // it may be a recovered spec, read from a file and never seen by submit()
            launch();
        }
    }

    private void driverFailure(DriverException e) {
        emit(TaskEventType.DRIVER_FAILURE, e.getMessage(), Map.of("error_code", e.code().name(),
                "recoverable", Boolean.toString(e.isRecoverable())));
        synchronized (this) {
            String message = e.getMessage();
            lastExit = ExitResult.failed(message == null || message.isBlank() ? "driver error " + e.code() : message);
        }
        if (e.isRecoverable()) {
            restartOrFail();
        } else {
            finish(true);
        }
    }

    // ---- stopping ---------------------------------------------------------------------------------------------

    /** Stops the task for good; {@code reason} (may be null) is emitted first, e.g. Leader Task Dead. */
    void kill(TaskEvent reason) {
        TaskHandle h;
        ScheduledFuture<?> pending;
        synchronized (this) {
            if (killRequested || state == TaskState.DEAD) {
                return;
            }
            killRequested = true;
            h = handle;
            pending = pendingRestart;
        }
        if (reason != null) {
            record(reason);
        }
        deregister(); // stop sending traffic before the task is asked to stop
        if (h != null) {
            stopHandle(h);
        } else if (pending != null && pending.cancel(false)) {
            emit(TaskEventType.KILLED, "Task killed while waiting to restart", Map.of());
            finish(false);
        }
        // otherwise it is being set up: launch() sees killRequested and stops there
    }

    private void stopHandle(TaskHandle h) {
        emit(TaskEventType.KILLING, killingMessage(), Map.of("kill_timeout_ms",
                Long.toString(spec.killTimeout().toMillis())));
        ctx.blocking().execute(() -> attemptStop(h, 0));
    }

    /**
     * Asks the driver to stop the task; a failed request is retried after the cleanup delays. When every attempt
     * failed the task is given up as failed, with an event saying it may still run, so a stop always completes.
     */
    private void attemptStop(TaskHandle h, int attempt) {
        synchronized (this) {
            if (handle != h) {
                return; // it ended meanwhile
            }
        }
        try {
            Boundary.driverRun(spec.driver(), "stop",
                    () -> h.stop(spec.killTimeout(), spec.killSignal()));
        } catch (DriverException e) {
            List<java.time.Duration> delays = ctx.cleanupRetryDelays();
            if (attempt < delays.size()) {
                emit(TaskEventType.DRIVER_FAILURE, "stopping the task failed (attempt " + (attempt + 1) + "), retrying"
                        + " in " + RestartTracker.format(delays.get(attempt)) + ": " + e.getMessage(),
                        Map.of("error_code", e.code().name()));
                ctx.scheduler().schedule(() -> ctx.blocking().execute(() -> attemptStop(h, attempt + 1)),
                        delays.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            giveUp(h, "stopping the task failed " + (attempt + 1) + " times, giving up on it (it may still be"
                    + " running): " + e.getMessage());
        }
    }

    /** Lets go of a task that cannot be stopped, as a failure, so its allocation still completes. */
    private void giveUp(TaskHandle h, String message) {
        synchronized (this) {
            if (handle != h) {
                return;
            }
            handle = null;
            handleState = null;
            lastExit = ExitResult.failed(message);
        }
        emit(TaskEventType.DRIVER_FAILURE, message, Map.of("error_code", ErrorCode.INTERNAL.name()));
        closeQuietly(h);
        deregister();
        finish(true);
    }

    private String killingMessage() {
        String wait = RestartTracker.format(spec.killTimeout());
        if (signalsSupported()) {
            return "Sent interrupt " + spec.killSignal() + ". Waiting " + wait + " before force killing";
        }
        return "Stopping task. Waiting " + wait + " before force killing";
    }

    private String killedMessage(ExitResult result) {
        if (signalsSupported() || result.signal() != 0 || result.error() != null) {
            return "Task successfully killed";
        }
        return "Task stopped (" + describe(result) + ")";
    }

    /** Whether the task's driver stops tasks with signals; a driver without them (a VM) stops its own way. */
    private boolean signalsSupported() {
        try {
            return Boundary.driver(spec.driver(), "capabilities",
                    () -> ctx.drivers().driver(spec.driver()).capabilities().signals());
        } catch (DriverException e) {
            return true;
        }
    }

    /** Releases this runner's hold on the task without stopping it (the runner is closing). */
    void detach() {
        TaskHandle h;
        ScheduledFuture<?> pending;
        synchronized (this) {
            h = handle;
            handle = null;
            pending = pendingRestart;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        if (h != null) {
            closeQuietly(h);
        }
    }

    private void finish(boolean asFailure) {
        synchronized (this) {
            if (state == TaskState.DEAD) {
                return;
            }
            state = TaskState.DEAD;
            failed = asFailure;
        }
        persist();
        alloc.taskDead(this);
        cleanupAndComplete();
    }

    private void cleanupAndComplete() {
        CreatedResources toClean;
        synchronized (this) {
            toClean = created;
        }
        CompletableFuture<Boolean> cleanup = toClean.isEmpty() || !ctx.drivers().has(spec.driver())
                ? CompletableFuture.completedFuture(true)
                : new CleanupRetrier(ctx).run("task " + id, () -> Boundary.driverRun(spec.driver(), "cleanup",
                        () -> ctx.drivers().driver(spec.driver()).cleanup(baseConfig(Map.of()), toClean)));
        cleanup.thenRun(() -> {
            synchronized (this) {
                cleanedUp = true;
            }
            persist();
            finished.complete(status());
        });
    }

    // ---- services ---------------------------------------------------------------------------------------------

    /**
     * Registers the services of the running handle {@code h}, unless it already ended or is being killed. Registry
     * calls return at once, so they run under the lock: a registration can never land after its removal.
     */
    private void register(TaskHandle h) {
        if (spec.services().isEmpty()) {
            return;
        }
        Optional<String> failure;
        synchronized (this) {
            if (handle != h || killRequested) {
                return;
            }
            registered = true;
            TaskServices services = services(h);
            failure = Boundary.registry("registerTask", () -> ctx.registry().registerTask(services));
        }
        failure.ifPresent(why -> emit(TaskEventType.TASK_HOOK_FAILED, "registering the task's services failed: "
                + why + "; the task keeps running", Map.of("hook", "services")));
    }

    private void deregister() {
        Optional<String> failure;
        synchronized (this) {
            if (!registered) {
                return;
            }
            registered = false;
            TaskServices services = services(null);
            failure = Boundary.registry("removeTask", () -> ctx.registry().removeTask(services));
        }
        failure.ifPresent(why -> emit(TaskEventType.TASK_HOOK_FAILED, "removing the task's services failed: "
                + why, Map.of("hook", "services")));
    }

    private TaskServices services(TaskHandle h) {
        Optional<DriverNetwork> net;
        synchronized (this) {
            net = network;
        }
        return new TaskServices(id, spec.services(), ctx.hostIp(), ports, net, h);
    }

    // ---- views ------------------------------------------------------------------------------------------------

    CompletableFuture<TaskStatus> finished() {
        return finished;
    }

    synchronized boolean isDead() {
        return state == TaskState.DEAD;
    }

    synchronized boolean hasFailed() {
        return state == TaskState.DEAD && failed;
    }

    synchronized Map<String, Integer> portMap() {
        return portMap;
    }

    TaskStatus status() {
        synchronized (this) {
            return new TaskStatus(id, spec.driver(), state, failed, restartCount, Optional.ofNullable(lastExit),
                    events.all(), ports, state == TaskState.RUNNING ? network : Optional.empty(), dirs.allocDir(),
                    dirs.taskDir());
        }
    }

    List<TaskEvent> events() {
        return events.all();
    }

    TaskConfig baseConfig(Map<String, String> env) {
        return new TaskConfig(id, spec.config(), env, new Resources(spec.cpu(), spec.memoryMb(), ports), dirs,
                spec.user(), spec.killTimeout(), spec.killSignal());
    }

    Map<String, String> ownEnvOverrides() {
        synchronized (this) {
            return envOverrides;
        }
    }

    TaskDirs dirs() {
        return dirs;
    }

    // ---- events and state -------------------------------------------------------------------------------------

    private void emit(TaskEventType type, String message, Map<String, String> details) {
        record(TaskEvent.of(type, message, details));
    }

    /** A driver emits only driver events; the lifecycle events are the runner's. */
    private void emitFromDriver(DriverEvent event) {
        record(TaskEvent.fromDriver(event));
    }

    private void record(TaskEvent event) {
        events.add(event);
        LOG.debug("{}: {} {}", id, event.type(), event.message());
        ctx.publish(id, event);
    }

    void persist() {
        persist(true);
    }

    /** Writes the state file; {@code durable} forces it to disk (see {@link dev.taskdrivers.runner.internal.state.StateStore#write(PersistedTask, boolean)}). */
    void persist(boolean durable) {
        synchronized (persistLock) {
            write(durable);
        }
    }

    /**
     * Writes the first state of a task just submitted, not forced to disk (nothing outside this process exists
     * yet). It runs while the task is being prepared, and the slow part (the allocation's directory, a new file)
     * outside the lock, so a write on the way to Started never waits for it: a later state written meanwhile wins.
     * Then it prepares the file of that next write.
     */
    void persistSubmitted() {
        synchronized (persistLock) {
            if (written) {
                return;
            }
        }
        StateStore.Staged first;
        try {
            first = ctx.store().stage(snapshot());
        } catch (RuntimeException e) {
            synchronized (persistLock) {
                persistFailed(e);
            }
            return;
        }
        boolean overtaken;
        synchronized (persistLock) {
            overtaken = written;
            if (!overtaken) {
                written = true;
                publish(first);
            }
        }
        if (overtaken) {
            discard(first);
        }
        ctx.store().prepareNextWrite(id.allocId(), id.taskName());
    }

    private void publish(StateStore.Staged first) {
        try {
            first.publish();
        } catch (RuntimeException e) {
            persistFailed(e);
        }
    }

    private void discard(StateStore.Staged first) {
        try {
            first.discard();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove an unused state file of {}: {}", id, e.getMessage());
        }
    }

    private void write(boolean durable) {
        written = true;
        try {
            ctx.store().write(snapshot(), durable);
            persistFailing = false;
        } catch (RuntimeException e) {
            persistFailed(e);
        }
    }

    /** Says once per run of failed writes that the task could not be recovered after a restart of the runner. */
    private void persistFailed(RuntimeException e) {
        String why = e.getCause() != null ? e.getMessage() + ": " + e.getCause() : e.getMessage();
        LOG.error("cannot persist state of {}: {}", id, why);
        if (!persistFailing) {
            persistFailing = true;
            emit(TaskEventType.TASK_HOOK_FAILED, "cannot write the task's state (" + why + "); a runner started"
                    + " after this one would not know of the task's latest state", Map.of("hook", "state"));
        }
    }

    private PersistedTask snapshot() {
        synchronized (this) {
            if (specJson == null) {
                specJson = Collections.unmodifiableMap(SpecWriter.task(spec));
            }
            List<PersistedTask.PortRecord> portRecords = ports.stream()
                    .map(p -> new PersistedTask.PortRecord(p.label(), p.value(), p.hostIp())).toList();
            List<PersistedTask.EventRecord> eventRecords = events.last(PERSISTED_EVENTS).stream()
                    .map(e -> new PersistedTask.EventRecord(e.type().name(), e.time().toEpochMilli(), e.message(),
                            e.details())).toList();
            return new PersistedTask(TaskStateCodec.FORMAT, id.allocId(), id.jobName(),
                    alloc.job().type().specName(), id.groupName(),
                    id.allocIndex(), alloc.job().datacenter(), alloc.job().region(), alloc.job().meta(),
                    alloc.group().meta(), specJson, portRecords, new HashMap<>(portMap),
                    new HashMap<>(envOverrides), state.name(),
                    handleState == null ? null : new PersistedTask.HandleRecord(handleState.driver(),
                            handleState.version(), handleState.data()),
                    created.asMap(),
                    network.map(n -> new PersistedTask.NetworkRecord(n.ip(), n.portMap(), n.autoAdvertise()))
                            .orElse(null),
                    restartCount,
                    restarts.windowStart() == null ? 0 : restarts.windowStart().toEpochMilli(), restarts.count(),
                    lastExit == null ? null : new PersistedTask.ExitRecord(lastExit.exitCode(), lastExit.signal(),
                            lastExit.oomKilled(), lastExit.error()),
                    failed, cleanedUp, eventRecords, alloc.jobDigest());
        }
    }

    private static Map<String, String> exitDetails(ExitResult r) {
        Map<String, String> d = new HashMap<>();
        d.put("exit_code", Integer.toString(r.exitCode()));
        d.put("signal", Integer.toString(r.signal()));
        d.put("oom_killed", Boolean.toString(r.oomKilled()));
        if (r.error() != null) {
            d.put("error", r.error());
        }
        return d;
    }

    private static String describe(ExitResult r) {
        StringBuilder s = new StringBuilder("Exit Code: ").append(r.exitCode());
        if (r.signal() != 0) {
            s.append(", Signal: ").append(r.signal());
        }
        if (r.oomKilled()) {
            s.append(", OOM Killed");
        }
        if (r.error() != null) {
            s.append(", Error: ").append(r.error());
        }
        return s.toString();
    }

    private static void closeQuietly(TaskHandle h) {
        try {
            h.close();
        } catch (Throwable e) { // nothing is left to do with a handle being let go
            LOG.warn("closing a task handle failed: {}", e.toString());
        }
    }
}
