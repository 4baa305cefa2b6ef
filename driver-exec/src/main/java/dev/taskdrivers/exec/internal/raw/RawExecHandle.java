package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.exec.internal.cgroup.OomKills;
import dev.taskdrivers.exec.internal.cgroup.TaskCgroup;
import dev.taskdrivers.exec.internal.process.Signals;
import dev.taskdrivers.exec.internal.process.SupervisedProcess;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.hostprocess.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running raw_exec task, with the cgroup it runs in when it has one of its own. */
final class RawExecHandle implements TaskHandle {
    /** The handle state's key of the task's network namespace. */
    static final String NAMESPACE = "network_namespace";
    /** The handle state's key of the task's cgroup path. */
    static final String CGROUP = "cgroup";

    private static final Logger LOG = LoggerFactory.getLogger(RawExecHandle.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final TaskConfig task;
    private final SupervisedProcess process;
    private final Optional<TaskUser> user;
    private final Optional<String> namespace;
    private final Optional<TaskCgroup> cgroup;
    private final CommandRunner commandRunner;
    /** The task's exit, once whatever it left in its cgroup is killed too. */
    private final CompletableFuture<ExitResult> exit;

    /**
     * @param user the user the task was switched to; empty when it runs as the runner's user
     */
    private final Path workDir;

    private final Map<String, String> env;

    /**
     * @param workDir where commands executed in the task run, as the task does
     * @param env the task's environment as it started with it, for commands executed in it
     */
    RawExecHandle(
            TaskConfig task,
            SupervisedProcess process,
            Optional<TaskUser> user,
            Optional<String> namespace,
            Optional<TaskCgroup> cgroup,
            CommandRunner commandRunner,
            Path workDir,
            Map<String, String> env,
            EventEmitter events) {
        this.workDir = workDir;
        this.env = Map.copyOf(env);
        this.task = task;
        this.process = process;
        this.user = user;
        this.namespace = namespace;
        this.cgroup = cgroup;
        this.commandRunner = commandRunner;
        this.exit = process.exitFuture().thenApply(result -> afterExit(result, events));
    }

    /** Kills what the task left in its cgroup, and tells an OOM kill there apart from other kills. */
    private ExitResult afterExit(ExitResult result, EventEmitter events) {
        emptyCgroup();
        return cgroup.isEmpty() ? result : OomKills.marked(result, cgroup.get(), task, events);
    }

    /**
     * Kills whatever is left in the task's cgroup: processes that left its process group (setsid, a double fork)
     * outlive its leader otherwise.
     */
    private void emptyCgroup() {
        if (cgroup.isEmpty()) {
            return;
        }
        try {
            cgroup.get().killAll(KILL_TIMEOUT);
        } catch (DriverException e) {
            LOG.warn(
                    "task {} ended but its cgroup {} could not be emptied: {}",
                    task.id(),
                    cgroup.get().path(),
                    e.getMessage());
        }
    }

    @Override
    public HandleState state() {
        Map<String, String> data = new LinkedHashMap<>(process.task().toMap());
        user.ifPresent(u -> data.putAll(u.toMap()));
        namespace.ifPresent(n -> data.put(NAMESPACE, n));
        cgroup.ifPresent(c -> data.put(CGROUP, c.path()));
        return new HandleState(RawExecDriverFactory.NAME, RawExecDriver.STATE_VERSION, data);
    }

    /**
     * The user a task was switched to, as {@link #state()} saved it (states without one ran as the runner's user).
     *
     * @throws IllegalArgumentException naming a malformed key
     */
    static Optional<TaskUser> userOf(Map<String, String> state) {
        return state.containsKey("uid") ? Optional.of(TaskUser.fromMap(state)) : Optional.empty();
    }

    /** The network namespace of the task's bridge group, as {@link #state()} saved it; empty for the host's. */
    static Optional<String> namespaceOf(Map<String, String> state) {
        return Optional.ofNullable(state.get(NAMESPACE));
    }

    /** The task's cgroup path, as {@link #state()} saved it; empty for a task without one (or an older state). */
    static Optional<String> cgroupOf(Map<String, String> state) {
        return Optional.ofNullable(state.get(CGROUP));
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        int number = Signals.requireForTask(signal);
        try {
            process.stop(timeout, number);
            return exit;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw DriverException.fatal(
                    ErrorCode.INTERNAL,
                    "the raw_exec driver of task " + task.id()
                            + " was closed; recover the task with a new driver to stop it",
                    e);
        }
    }

    @Override
    public void signal(String signal) {
        int number = Signals.requireForTask(signal);
        if (!process.signal(number)) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "task " + task.id() + " is not running; cannot send " + Signals.name(number));
        }
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        if (process.exitFuture().isDone()) {
            throw DriverException.fatal(ErrorCode.NOT_FOUND, "task " + task.id() + " is not running; cannot exec");
        }
        try {
            // the command runs as the task does: in its network namespace, as its user
            List<String> prefix = RawExecDriver.entering(namespace, user);
            List<String> argv = new java.util.ArrayList<>(prefix);
            argv.addAll(request.argv());
            return commandRunner
                    .run(
                            argv,
                            env,
                            workDir,
                            request.timeout(),
                            request.outputLimitBytes(),
                            process.task().stateDir().resolve("exec"))
                    .toExecResult();
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "cannot exec " + request.argv().get(0) + " in task " + task.id() + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public TaskStats stats() {
        return process.stats();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "RawExecHandle[" + task.id() + ", " + process.task().task() + "]";
    }
}
