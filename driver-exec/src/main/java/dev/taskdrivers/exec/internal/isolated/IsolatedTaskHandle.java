package dev.taskdrivers.exec.internal.isolated;

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
import dev.taskdrivers.exec.internal.process.ProcessPoller;
import dev.taskdrivers.exec.internal.process.Signals;
import dev.taskdrivers.exec.internal.process.SupervisedProcess;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import dev.taskdrivers.hostprocess.CommandRunner;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.ProcessSignaller;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running exec task: the supervised process plus its cgroup, which decides what "everything of it" is. */
final class IsolatedTaskHandle implements TaskHandle {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedTaskHandle.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROGRAM_START_TIMEOUT = Duration.ofSeconds(5);
    private static final int SIGKILL = 9;

    private final TaskConfig task;
    private final TaskState state;
    private final SupervisedProcess process;
    private final TaskCgroup cgroup;
    private final IsolationCommand command;
    private final CommandRunner commandRunner;
    private final ProcessSignaller signaller;
    private final ProcessPoller poller;
    private final Map<String, String> env;
    private final CompletableFuture<ExitResult> exit;
    private @Nullable Sample lastSample;
    /** Seen once, true for good: the task's program runs (or ran) in its cgroup. */
    private volatile boolean programStarted;

    IsolatedTaskHandle(
            TaskConfig task,
            TaskState state,
            SupervisedProcess process,
            TaskCgroup cgroup,
            IsolationCommand command,
            CommandRunner commandRunner,
            ProcessSignaller signaller,
            ProcessPoller poller,
            Map<String, String> env,
            EventEmitter events) {
        this.task = task;
        this.state = state;
        this.process = process;
        this.cgroup = cgroup;
        this.command = command;
        this.commandRunner = commandRunner;
        this.signaller = signaller;
        this.poller = poller;
        this.env = Map.copyOf(env);
        this.exit = process.exitFuture().thenApply(result -> afterExit(result, events));
    }

    /** Kills whatever the task left in its cgroup and tells an OOM kill apart from other kills. */
    private ExitResult afterExit(ExitResult result, EventEmitter events) {
        try {
            cgroup.killAll(KILL_TIMEOUT);
        } catch (DriverException e) {
            LOG.warn(
                    "task {} ended but its cgroup {} could not be emptied: {}",
                    task.id(),
                    cgroup.path(),
                    e.getMessage());
        }
        return OomKills.marked(result, cgroup, task, events);
    }

    @Override
    public HandleState state() {
        return new HandleState(IsolatedExecDriverFactory.NAME, IsolatedExecDriver.STATE_VERSION, state.toMap());
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        int number = Signals.requireForTask(signal);
        if (exit.isDone()) {
            return exit;
        }
        if (timeout.isZero() || !signalTask(number)) {
            forceKill();
            return exit;
        }
        poller.schedule(
                () -> {
                    if (!exit.isDone()) {
                        LOG.info(
                                "task {} still running {} after {}; killing its cgroup",
                                task.id(),
                                timeout,
                                Signals.name(number));
                        forceKill();
                    }
                },
                timeout);
        return exit;
    }

    @Override
    public void signal(String signal) {
        int number = Signals.requireForTask(signal);
        if (exit.isDone() || !signalTask(number)) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "task " + task.id() + " is not running; cannot send " + Signals.name(number));
        }
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        if (!awaitProgramStarted() && init().isPresent()) {
            throw new DriverException(
                    ErrorCode.TIMEOUT,
                    true,
                    "task " + task.id() + " has not joined its cgroup "
                            + cgroup.path() + " and started its command within " + PROGRAM_START_TIMEOUT
                            + " (a set-up step such as opening its log files is blocked); cannot exec");
        }
        long pid = chrootedPid()
                .orElseThrow(() -> DriverException.fatal(
                        ErrorCode.NOT_FOUND, "task " + task.id() + " is not running; cannot exec"));
        List<String> argv = command.execArgv(pid, request.argv());
        try {
            return commandRunner
                    .run(
                            argv,
                            env,
                            task.dirs().taskDir(),
                            request.timeout(),
                            request.outputLimitBytes(),
                            state.supervised().stateDir().resolve("exec"))
                    .toExecResult();
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.INTERNAL,
                    "cannot exec " + request.argv().get(0) + " in task " + task.id() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Sends a signal to the task's init (tini), which forwards it to the task's process group. Signalling the
     * supervised process group instead would also hit {@code unshare}, which dies of signals such as SIGUSR1.
     */
    private boolean signalTask(int number) {
        if (number != SIGKILL) {
            awaitProgramStarted();
        }
        Optional<ProcessIdentity> init = init();
        return init.isPresent() && signaller.signalGroup(init.get(), number);
    }

    /**
     * Waits until the task's command runs: start returns as soon as the fork server's child has set up the task's
     * namespaces; the child then creates and joins the task's cgroup and becomes tini, and tini starts the command
     * once it collects the signals it forwards (pid 1 of a namespace drops a signal it does not handle). Immediate
     * with a shell supervisor, which reports ready only then. Gives up after {@link #PROGRAM_START_TIMEOUT}.
     *
     * @return whether the command runs or ran; false when the task ended first or did not get there in time
     */
    private boolean awaitProgramStarted() {
        if (programStarted || !state.leaderIsInit()) {
            return true;
        }
        ProcessIdentity init = state.supervised().task();
        long deadline = System.nanoTime() + PROGRAM_START_TIMEOUT.toNanos();
        while (!exit.isDone() && init.isRunning()) {
            if (childInCgroup(init.pid()).isPresent()) {
                programStarted = true;
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * SIGKILL to the supervised process group and to everything in the cgroup. Needs no wait for the cgroup: a task
     * that has not joined it yet is its leader alone, which the first kill reaches.
     */
    private void forceKill() {
        process.forceKill();
        try {
            cgroup.killAll(KILL_TIMEOUT);
        } catch (DriverException e) {
            LOG.warn("cannot empty cgroup {} of task {}: {}", cgroup.path(), task.id(), e.getMessage());
        }
    }

    /**
     * The task's tini: the leader itself when the fork server started it or with the host's pid namespace, else the
     * child of the leading {@code unshare} (pid 1 inside).
     */
    private Optional<ProcessIdentity> init() {
        ProcessIdentity leader = state.supervised().task();
        if (state.leaderIsInit() || state.pidMode() == NamespaceMode.HOST) {
            return leader.isRunning() ? Optional.of(leader) : Optional.empty();
        }
        return childInCgroup(leader.pid());
    }

    /**
     * A process of the task whose namespaces hold the task's mounts, which an exec enters: the init itself when the
     * fork server set the namespaces up before starting it, else a child of the init (the setup ran there).
     */
    private OptionalLong chrootedPid() {
        if (exit.isDone()) {
            return OptionalLong.empty();
        }
        Optional<ProcessIdentity> inside = state.leaderIsInit() ? init() : init().flatMap(i -> childInCgroup(i.pid()));
        return inside.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    private Optional<ProcessIdentity> childInCgroup(long parent) {
        for (long pid : cgroup.pids()) {
            Optional<ProcStat> stat = ProcStat.read(pid);
            if (stat.isPresent() && stat.get().ppid() == parent && stat.get().running()) {
                return Optional.of(stat.get().identity());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized TaskStats stats() {
        // before the task joined its cgroup there is nothing to measure there yet
        awaitProgramStarted();
        TaskCgroup.Usage usage = cgroup.usage();
        Sample now = new Sample(System.nanoTime(), usage.cpuNanos());
        double percent = 0;
        if (lastSample != null && now.nanos() > lastSample.nanos()) {
            percent = 100.0 * (now.cpuNanos() - lastSample.cpuNanos()) / (now.nanos() - lastSample.nanos());
        }
        lastSample = now;
        return TaskStats.builder()
                .memoryRssBytes(usage.memoryRssBytes())
                .memoryCacheBytes(usage.memoryCacheBytes())
                .memorySwapBytes(usage.memorySwapBytes())
                .cpuTotalNanos(usage.cpuNanos())
                .cpuPercent(Math.max(0, percent))
                .build();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "IsolatedTaskHandle[" + task.id() + ", cgroup " + cgroup.path() + "]";
    }

    private record Sample(long nanos, long cpuNanos) {}
}
