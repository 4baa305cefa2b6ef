package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.cgroup.CgroupLimits;
import dev.taskdrivers.exec.internal.cgroup.CgroupParent;
import dev.taskdrivers.exec.internal.cgroup.CgroupSystem;
import dev.taskdrivers.exec.internal.cgroup.LaunchOfProcess;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.cgroup.TaskCgroup;
import dev.taskdrivers.exec.internal.network.GroupNamespace;
import dev.taskdrivers.exec.internal.network.GroupNetworks;
import dev.taskdrivers.exec.internal.network.NamespaceNetworkDriver;
import dev.taskdrivers.exec.internal.process.Directories;
import dev.taskdrivers.exec.internal.process.ExitStatusFile;
import dev.taskdrivers.exec.internal.process.ForkServerLauncher;
import dev.taskdrivers.exec.internal.process.LaunchNames;
import dev.taskdrivers.exec.internal.process.LaunchSpec;
import dev.taskdrivers.exec.internal.process.LinuxSyscalls;
import dev.taskdrivers.exec.internal.process.ProcessPoller;
import dev.taskdrivers.exec.internal.process.SetupStep;
import dev.taskdrivers.exec.internal.process.SupervisedLauncher;
import dev.taskdrivers.exec.internal.process.SupervisedProcess;
import dev.taskdrivers.exec.internal.process.SupervisedTask;
import dev.taskdrivers.exec.internal.process.SupervisorScript;
import dev.taskdrivers.exec.internal.process.TaskLogLimits;
import dev.taskdrivers.exec.internal.process.TaskProcessFinder;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.exec.internal.process.TaskUserCache;
import dev.taskdrivers.exec.internal.process.UnrecordedStarts;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import dev.taskdrivers.hostprocess.CommandRunner;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.ProcessSignaller;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task isolated: a chroot of read-only bind mounts plus its own writable directories, its own mount, uts,
 * ipc and pid namespaces, a cgroup with memory, cpu and pids limits, and an unprivileged user. Tasks start through
 * one fork server per driver, which makes the namespaces and mounts itself without running a single program for
 * them (where Perl or the system call numbers are missing, or with {@code fork_server = false}, a shell supervisor
 * runs unshare, mount and chroot instead); either way tasks outlive this JVM (see
 * {@link dev.taskdrivers.exec.internal.process}).
 *
 * <p>A group in {@code bridge} network mode gets a network namespace of its own ({@link GroupNetworks}), which its
 * tasks join before their other namespaces are made (the fork server's {@link SetupStep#joinNetwork} step, or
 * {@code nsenter} in front of the shell supervisor's {@code unshare}); commands executed in a task join it too.
 */
public final class IsolatedExecDriver implements NamespaceNetworkDriver {
    static final int STATE_VERSION = 1;
    static final String CGROUPS = "exec_cgroup";
    static final String ROOTS = "exec_root";
    static final String STATE_DIRS = "exec_state_dir";
    static final String EXIT_FILES = "exec_exit_file";
    static final String SECRETS_TMPFS = "exec_secrets_tmpfs";

    private static final Logger LOG = LoggerFactory.getLogger(IsolatedExecDriver.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String FSTAB_FILE = "fstab";

    private final Path dataDir;
    private final IsolatedExecOptions options;
    private final Path rootsDir;
    private final UnrecordedStarts unrecorded = new UnrecordedStarts(STATE_DIRS);
    private final GroupNetworks networks;

    private final Path tasksDir;
    private final Path exitsDir;
    private final TaskUserCache users = new TaskUserCache();
    /** Made on first use, dropped by close(). */
    private @Nullable Runtime runtime;

    public IsolatedExecDriver(DriverContext context, IsolatedExecOptions options) {
        // the fork server and the supervisors run in other working directories
        this.dataDir = context.dataDir().toAbsolutePath();
        this.options = options;
        this.networks = new GroupNetworks(
                task -> IsolatedExecTaskConfig.read(task, options).portMap());
        this.rootsDir = dataDir.resolve("roots");
        this.tasksDir = dataDir.resolve("tasks");
        this.exitsDir = dataDir.resolve("exits");
    }

    @Override
    public String name() {
        return IsolatedExecDriverFactory.NAME;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .signals(true)
                .exec(true)
                .fsIsolation(Capabilities.FsIsolation.CHROOT)
                .volumeMounts(true)
                .dirsInsideTask(ChrootLayout.ALLOC, ChrootLayout.LOCAL, ChrootLayout.SECRETS)
                .build();
    }

    @Override
    public Fingerprint fingerprint() {
        return IsolatedExecFingerprint.of(options);
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        List<ValidationProblem> problems =
                new ArrayList<>(IsolatedExecTaskConfig.read(task, options).problems());
        Optional<String> badName = TaskUser.nameProblem(userName(task));
        badName.ifPresent(p -> problems.add(new ValidationProblem("user", p)));
        if (badName.isEmpty() && nodeProblems(task).isEmpty()) { // a user this host lacks is the node's problem
            rootProblem(users.get(userName(task))).ifPresent(p -> problems.add(new ValidationProblem("user", p)));
        }
        ChrootLayout.volumeProblems(task.mounts())
                .forEach(p -> problems.add(new ValidationProblem("volume_mounts", p)));
        return problems;
    }

    /** {@inheritDoc} Here: a {@code user} this host does not have. */
    @Override
    public List<ValidationProblem> nodeProblems(TaskConfig task) {
        if (TaskUser.nameProblem(userName(task)).isPresent()) {
            return List.of(); // the task's problem, told by validate
        }
        try {
            users.get(userName(task));
            return List.of();
        } catch (DriverException e) {
            return List.of(new ValidationProblem("user", Objects.requireNonNullElse(e.getMessage(), e.toString())));
        }
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        List<ValidationProblem> problems = new ArrayList<>(validate(task));
        problems.addAll(nodeProblems(task));
        ValidationException.throwIfAny(problems);
        TaskUser user = userOf(task);
        try {
            Directories.ensure(task.dirs().logsDir());
            // the task's own directories belong to its user; the shared alloc dir is writable by every task
            Directories.handOver(
                    user,
                    List.of(task.dirs().localDir(), task.dirs().secretsDir()),
                    task.dirs().allocDir());
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.INTERNAL,
                    "cannot prepare the task directories of " + task.id() + ": " + e.getMessage(),
                    e);
        }
        Map<String, String> env = new LinkedHashMap<>(chrootDirsEnv());
        env.put(TaskEnvironment.PARENT_CGROUP, options.cgroupParent()); // each task's cgroup is made below it
        IsolatedExecTaskConfig config = IsolatedExecTaskConfig.read(task, options);
        GroupNetworks.requireNamespaceForPortMap(config.namespace(), config.portMap());
        return PrestartResult.builder()
                .envOverrides(env)
                .portMap(config.namespace().isPresent() ? config.portMap() : Map.of())
                .build();
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        IsolatedExecTaskConfig config = IsolatedExecTaskConfig.read(task, options);
        ValidationException.throwIfAny(config.problems());
        TaskUser user = userOf(task);
        Runtime rt = runtime();
        String name = LaunchNames.next(task.id());
        TaskCgroup cgroup = rt.cgroups.cgroup(options.cgroupParent() + "/" + name);
        boolean forkServer = rt.forkServer.isPresent();
        // the fork server mounts each task's own root filesystem on one shared, empty host directory, inside the
        // task's mount namespace; a shell supervisor needs a root directory per task holding its mount points
        ChrootLayout layout = new ChrootLayout(
                forkServer ? rt.sharedRoot : rootsDir.resolve(name), options.chrootEnv(), task.dirs(), task.mounts());
        Path stateDir = tasksDir.resolve(name);
        Path exitFile = exitsDir.resolve(name);
        CreatedResources created = CreatedResources.empty()
                .with(CGROUPS, cgroup.path())
                .with(STATE_DIRS, stateDir.toString())
                .with(EXIT_FILES, exitFile.toString());
        if (!forkServer) {
            created = created.with(ROOTS, layout.root().toString());
        }
        IsolationCommand command = new IsolationCommand(
                rt.tools,
                cgroup.procsFiles(),
                layout,
                config.pidMode(),
                config.ipcMode(),
                task.id().taskName(),
                user,
                stateDir.resolve(FSTAB_FILE),
                rt.shellLauncher.signalReset(),
                rt.entry,
                config.workDir(),
                config.capabilities());
        List<RotatingLogFile> logs = config.logLimits().open(task);
        if (TaskUser.runnerUid() == 0) {
            // no file of the secrets directory reaches a disk; unmounted at cleanup, or here when the start fails
            created = created.with(SECRETS_TMPFS, task.dirs().secretsDir().toString());
        }
        SupervisedTask supervised;
        try {
            // through the fork server its child mounts the secrets tmpfs on the host, without a mount(8) process
            List<SetupStep> hostSteps = new ArrayList<>();
            if (config.namespace().isPresent()) {
                // checked here, so a namespace gone since fails the start naming it
                GroupNamespace.enterArgv(config.namespace().get());
                hostSteps.add(SetupStep.joinNetwork(
                        GroupNamespace.file(config.namespace().get())));
            }
            if (TaskUser.runnerUid() == 0 && forkServer) {
                hostSteps.addAll(SecretsTmpfs.mountStepsForForkServer(
                        rt.tools.mount(), task.dirs().secretsDir(), user));
            } else if (TaskUser.runnerUid() == 0) {
                SecretsTmpfs.mount(rt.tools.mount(), task.dirs().secretsDir(), user);
            }
            CgroupLimits limits = CgroupLimits.of(task.resources(), config.pidsLimit());
            Directories.ensure(task.dirs().taskDir());
            layout.createVolumeMountPoints();
            if (forkServer) {
                supervised = launchIsolatedByForkServer(
                        rt.forkServer.get(),
                        task,
                        command,
                        hostSteps,
                        cgroup.creationSteps(limits),
                        config,
                        logs,
                        stateDir,
                        exitFile);
            } else {
                cgroup.create(limits);
                supervised = launchIsolatedByShell(rt.shellLauncher, task, command, config, logs, stateDir, exitFile);
            }
        } catch (IOException | RuntimeException e) {
            destroyQuietly(task, created);
            if (e instanceof DriverException d) {
                throw d;
            }
            if (e instanceof IOException && forkServer) {
                throw DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE, "cannot isolate task " + task.id() + ": " + e.getMessage(), e);
            }
            if (e instanceof SupervisedLauncher.NotReadyException notReady) {
                throw DriverException.fatal(
                        notReady.timedOut() ? ErrorCode.TIMEOUT : ErrorCode.DRIVER_UNAVAILABLE,
                        "cannot isolate task " + task.id() + ": " + e.getMessage() + ": "
                                + tail(logs.get(1).currentFile()),
                        e);
            }
            throw DriverException.fatal(
                    ErrorCode.INTERNAL, "cannot start task " + task.id() + ": " + e.getMessage(), e);
        }
        LOG.info(
                "started task {} ({}) isolated in cgroup {} as {}",
                task.id(),
                config.command(),
                cgroup.path(),
                supervised.task());
        TaskHandle handle = handle(
                task,
                new TaskState(
                        supervised, cgroup.path(), layout.root(), config.pidMode(), config.ipcMode(), user, forkServer),
                logs,
                events);
        return StartResult.builder()
                .handle(handle)
                .created(created)
                .network(GroupNetworks.driverNetwork(config.namespace(), config.portMap()))
                .build();
    }

    /**
     * The fork server makes the namespaces and mounts itself and answers once they are set up; then its child
     * creates the cgroup, joins it, enters the chroot as the task's user and executes the task's init, so nothing of
     * the task runs outside its limits.
     */
    private static SupervisedTask launchIsolatedByForkServer(
            ForkServerLauncher launcher,
            TaskConfig task,
            IsolationCommand command,
            List<SetupStep> hostSteps,
            List<SetupStep> cgroupCreation,
            IsolatedExecTaskConfig config,
            List<RotatingLogFile> logs,
            Path stateDir,
            Path exitFile)
            throws IOException {
        LaunchSpec spec = new LaunchSpec(
                        command.forkServerArgv(config.argv(task.dirs())),
                        taskEnvironment(task),
                        task.dirs().taskDir(),
                        logs.get(0).currentFile(),
                        logs.get(1).currentFile(),
                        stateDir,
                        exitFile)
                .joiningCgroups(command.cgroupProcsFiles())
                .isolatedBy(command.isolation(hostSteps, cgroupCreation, START_TIMEOUT));
        return launcher.launch(spec, START_TIMEOUT);
    }

    /** A shell supervisor runs unshare, tini, mount and chroot in turn; the setup reports ready on descriptor 3. */
    private static SupervisedTask launchIsolatedByShell(
            SupervisedLauncher launcher,
            TaskConfig task,
            IsolationCommand command,
            IsolatedExecTaskConfig config,
            List<RotatingLogFile> logs,
            Path stateDir,
            Path exitFile)
            throws IOException {
        command.layout().createMountPoints();
        Files.createDirectories(stateDir);
        Files.writeString(command.fstabFile(), command.layout().fstab());
        List<String> isolated = command.argv(config.argv(task.dirs()));
        if (config.namespace().isPresent()) { // nsenter executes unshare in its own process: the task's pid stays
            List<String> entering =
                    new ArrayList<>(GroupNamespace.enterArgv(config.namespace().get()));
            entering.addAll(isolated);
            isolated = entering;
        }
        LaunchSpec spec = new LaunchSpec(
                        isolated,
                        environment(task),
                        task.dirs().taskDir(),
                        logs.get(0).currentFile(),
                        logs.get(1).currentFile(),
                        stateDir,
                        exitFile)
                .joiningCgroups(command.cgroupProcsFiles())
                .reportingReady()
                .resettingSignalsItself();
        return launcher.launch(spec, START_TIMEOUT);
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        if (!IsolatedExecDriverFactory.NAME.equals(state.driver()) || state.version() != STATE_VERSION) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "handle state of driver " + state.driver() + " version " + state.version()
                            + " is not an exec state (version " + STATE_VERSION + ")");
        }
        TaskState saved;
        try {
            saved = TaskState.fromMap(state.data());
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "exec handle state: " + e.getMessage(), e);
        }
        requireOwnCgroup(saved.cgroupPath());
        SupervisedTask supervised = saved.supervised();
        boolean ended = ExitStatusFile.read(supervised.exitFile()).isPresent();
        // a fork server outlives each of its tasks: its being alive does not mean this status will come
        boolean statusComing = supervised.supervisor().isRunning()
                && (!saved.leaderIsInit() || ExitStatusFile.awaitRecorded(supervised.exitFile()));
        if (!ended && !supervised.task().isRunning() && !statusComing) {
            // nothing will ever write the exit status; what is left of the task must not run unsupervised
            killCgroup(runtime().cgroups.cgroup(saved.cgroupPath()));
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND,
                    "task " + task.id() + " (" + supervised.task() + ") is gone and left no exit status");
        }
        LOG.info("reattached to task {} ({}{})", task.id(), supervised.task(), ended ? ", already ended" : "");
        return handle(task, saved, TaskLogLimits.read(task).openLater(task), events);
    }

    /**
     * Finds the task's leader among the host's processes (as seen from the host's pid namespace) by the task id in
     * its environment, and the start it belongs to by the cgroup it joined, and reattaches to it as {@link #recover}
     * does. When its supervisor is gone the handle still watches the task and can stop it; its exit status is then
     * reported as unknown.
     */
    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        Optional<TaskProcessFinder.Found> found = UnrecordedStarts.findRunning(task, dataDir.resolve("bin"));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Runtime rt = runtime();
        ProcessIdentity leader = found.get().task();
        ProcessIdentity supervisor = found.get().supervisor();
        String name = LaunchOfProcess.name(leader.pid(), options.cgroupParent(), task.id())
                .orElseGet(() -> LaunchNames.next(task.id()));
        // the fork server forks the task's init itself; a shell supervisor's child is unshare
        boolean byForkServer = supervisor.isRunning()
                ? commandLine(supervisor.pid()).contains("forkserver")
                : rt.forkServer.isPresent();
        IsolatedExecTaskConfig config = IsolatedExecTaskConfig.read(task, options);
        TaskState state = new TaskState(
                new SupervisedTask(tasksDir.resolve(name), exitsDir.resolve(name), leader, supervisor),
                options.cgroupParent() + "/" + name,
                byForkServer ? rt.sharedRoot : rootsDir.resolve(name),
                config.pidMode(),
                config.ipcMode(),
                userOf(task),
                byForkServer);
        LOG.info(
                "found task {} running as {}{}, started without its handle being recorded",
                task.id(),
                leader,
                found.get().supervised() ? "" : " without its supervisor (exit status unknown)");
        HandleState recorded = new HandleState(IsolatedExecDriverFactory.NAME, STATE_VERSION, state.toMap());
        return unrecorded.takeOver(task, () -> recover(task, recorded, events));
    }

    private static String commandLine(long pid) {
        try {
            return new String(
                    Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public GroupNetworks groupNetworks() {
        return networks;
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        if (unrecorded.mayExist(task, resources)) {
            cleanupUnrecordedStarts(task);
        }
        cleanupListed(task, resources);
    }

    private void cleanupListed(TaskConfig task, CreatedResources resources) {
        for (String path : resources.get(CGROUPS)) {
            requireOwnCgroup(path);
            TaskCgroup cgroup = runtime().cgroups.cgroup(path);
            cgroup.killAll(KILL_TIMEOUT);
            cgroup.remove();
        }
        for (String root : resources.get(ROOTS)) {
            new ChrootLayout(owned(Path.of(root), rootsDir), Map.of(), task.dirs())
                    .remove(() -> MountInfo.read(MountInfo.SELF));
        }
        for (String dir : resources.get(SECRETS_TMPFS)) {
            if (!Path.of(dir)
                    .toAbsolutePath()
                    .normalize()
                    .equals(task.dirs().secretsDir().toAbsolutePath().normalize())) {
                throw DriverException.fatal(
                        ErrorCode.INVALID_CONFIG, dir + " is not the secrets directory of task " + task.id());
            }
            SecretsTmpfs.unmount(Path.of(dir));
        }
        for (String dir : resources.get(STATE_DIRS)) {
            FileTrees.deleteRecursively(owned(Path.of(dir), tasksDir));
        }
        for (String file : resources.get(EXIT_FILES)) {
            FileTrees.deleteRecursively(owned(Path.of(file), exitsDir));
        }
    }

    /**
     * Removes what starts of the task left that the runner never learnt of (their handle was not recorded): their
     * cgroups, roots, state directories and exit files, found by the launch names that hold the task id, and the
     * tmpfs on the task's secrets directory, found in the host's mount table.
     */
    private void cleanupUnrecordedStarts(TaskConfig task) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try {
            for (Path dir : List.of(rootsDir, tasksDir, exitsDir)) {
                for (Path p : LaunchNames.of(dir, task.id())) {
                    names.add(p.getFileName().toString().replaceFirst("\\.(tmp|setup)$", ""));
                }
            }
        } catch (IllegalStateException e) {
            throw DriverException.recoverable(
                    ErrorCode.INTERNAL, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        CreatedResources leftovers = CreatedResources.empty();
        for (String name : names) {
            leftovers = leftovers
                    .with(CGROUPS, options.cgroupParent() + "/" + name)
                    .with(STATE_DIRS, tasksDir.resolve(name).toString())
                    .with(EXIT_FILES, exitsDir.resolve(name).toString());
            for (String suffix : List.of(".tmp", ".setup")) {
                leftovers = leftovers.with(
                        EXIT_FILES, exitsDir.resolve(name + suffix).toString());
            }
            if (Files.exists(rootsDir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                leftovers = leftovers.with(ROOTS, rootsDir.resolve(name).toString());
            }
        }
        // a start may have mounted it before it wrote anything named after its launch
        if (SecretsTmpfs.isMounted(task.dirs().secretsDir().toAbsolutePath().normalize())) {
            leftovers = leftovers.with(SECRETS_TMPFS, task.dirs().secretsDir().toString());
        }
        if (!leftovers.isEmpty()) {
            cleanupListed(task, leftovers);
        }
    }

    @Override
    public synchronized void close() {
        if (runtime != null) {
            runtime.forkServer.ifPresent(ForkServerLauncher::close);
            runtime.poller.close();
            runtime = null;
        }
    }

    private IsolatedTaskHandle handle(
            TaskConfig task, TaskState state, List<RotatingLogFile> logs, EventEmitter events) {
        Runtime rt = runtime();
        TaskCgroup cgroup = rt.cgroups.cgroup(state.cgroupPath());
        // as at its start: execs into the task run where it does, with its capabilities
        IsolatedExecTaskConfig config = IsolatedExecTaskConfig.read(task, options);
        IsolationCommand command = new IsolationCommand(
                rt.tools,
                cgroup.procsFiles(),
                new ChrootLayout(state.root(), Map.of(), task.dirs()),
                state.pidMode(),
                state.ipcMode(),
                task.id().taskName(),
                state.user(),
                state.supervised().stateDir().resolve(FSTAB_FILE),
                rt.shellLauncher.signalReset(),
                rt.entry,
                config.workDir(),
                config.capabilities());
        return new IsolatedTaskHandle(
                task,
                state,
                new SupervisedProcess(state.supervised(), rt.poller, rt.signaller, logs),
                cgroup,
                command,
                rt.commandRunner,
                rt.signaller,
                rt.poller,
                environment(task),
                events);
    }

    private TaskUser userOf(TaskConfig task) {
        return rootRefused(users.get(userName(task)));
    }

    private static String userName(TaskConfig task) {
        return task.user() == null ? TaskUser.DEFAULT : task.user();
    }

    private TaskUser rootRefused(TaskUser user) {
        rootProblem(user).ifPresent(p -> {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, p);
        });
        return user;
    }

    /** Why the task may not run as {@code user}: root, unless the operator allows it. */
    private Optional<String> rootProblem(TaskUser user) {
        return user.isRoot() && !options.allowRoot()
                ? Optional.of("running tasks as root ('" + user.name()
                        + "') is refused; the operator can allow it with the driver option allow_root = true")
                : Optional.empty();
    }

    private void requireOwnCgroup(String path) {
        if (!CgroupParent.holds(options.cgroupParent(), path)) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "cgroup " + path + " is not below this driver's " + options.cgroupParent());
        }
    }

    private static void killCgroup(TaskCgroup cgroup) {
        try {
            cgroup.killAll(KILL_TIMEOUT);
        } catch (DriverException e) {
            LOG.warn("cannot empty cgroup {}: {}", cgroup.path(), e.getMessage());
        }
    }

    private void destroyQuietly(TaskConfig task, CreatedResources created) {
        try {
            cleanup(task, created);
        } catch (DriverException e) {
            LOG.warn("cleaning up after a failed start of {}: {}", task.id(), e.getMessage());
        }
    }

    /** The paths of the task's directories as the task sees them inside the chroot. */
    static Map<String, String> chrootDirsEnv() {
        return Map.of(
                TaskEnvironment.ALLOC_DIR,
                ChrootLayout.ALLOC,
                TaskEnvironment.TASK_DIR,
                ChrootLayout.LOCAL,
                TaskEnvironment.SECRETS_DIR,
                ChrootLayout.SECRETS);
    }

    /**
     * The task's environment for a program started through the {@linkplain TaskEntry task entry}: the task's own
     * ({@link #taskEnvironment}) and what keeps Perl quiet, which the entry removes again.
     */
    private static Map<String, String> environment(TaskConfig task) {
        return TaskEntry.environment(taskEnvironment(task));
    }

    /** The task's environment with chroot paths for its directories and a default PATH. */
    private static Map<String, String> taskEnvironment(TaskConfig task) {
        Map<String, String> env = new LinkedHashMap<>(task.env());
        env.putAll(chrootDirsEnv());
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return env;
    }

    /** The end of a log, for error messages. */
    static String tail(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            in.skipNBytes(Math.max(0, size - 2048));
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "no output" : text;
        } catch (IOException e) {
            return "no output";
        }
    }

    /** {@code path} when it lies directly in {@code parent}, so a tampered resource list cannot reach elsewhere. */
    private static Path owned(Path path, Path parent) {
        Path normalized = path.toAbsolutePath().normalize();
        if (!parent.toAbsolutePath().normalize().equals(normalized.getParent())) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, path + " is not a file of this exec driver (" + parent + ")");
        }
        return normalized;
    }

    private synchronized Runtime runtime() {
        if (runtime == null) {
            IsolationTools.Found found = IsolationTools.find();
            if (found.tools().isEmpty()) {
                throw DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE, "exec cannot run here: missing " + found.missing());
            }
            try {
                CgroupSystem cgroups = CgroupSystem.detect(MountInfo.read(MountInfo.SELF));
                ProcessSignaller signaller = new ProcessSignaller();
                Path bin = dataDir.resolve("bin");
                Path sharedRoot = dataDir.resolve("root");
                Directories.ensure(sharedRoot);
                Optional<ForkServerLauncher> forkServer = options.usesForkServer()
                        ? Optional.of(new ForkServerLauncher(
                                ForkServerLauncher.findPerl().orElseThrow(), bin, dataDir))
                        : Optional.empty();
                if (options.forkServer() && forkServer.isEmpty()) {
                    LOG.warn(
                            "no {} on {} or an unknown architecture: exec falls back to a shell supervisor and a"
                                    + " chain of unshare, mount and chroot per task (slower start)",
                            ForkServerLauncher.PERL,
                            Executables.DEFAULT_PATH);
                }
                TaskEntry entry = new TaskEntry(
                        found.tools().get().perl(),
                        SupervisorScript.installTaskEntry(bin),
                        LinuxSyscalls.forThisMachine().map(LinuxSyscalls::prctl).orElse(0));
                runtime = new Runtime(
                        found.tools().get(),
                        entry,
                        cgroups,
                        forkServer,
                        sharedRoot,
                        new SupervisedLauncher(bin),
                        ProcessPoller.withDefaults(),
                        signaller,
                        new CommandRunner(signaller));
            } catch (IOException | IllegalStateException e) {
                throw DriverException.fatal(ErrorCode.DRIVER_UNAVAILABLE, "exec cannot run here: " + e.getMessage(), e);
            }
        }
        return runtime;
    }

    /** What the driver creates on first use. */
    private record Runtime(
            IsolationTools tools,
            TaskEntry entry,
            CgroupSystem cgroups,
            Optional<ForkServerLauncher> forkServer,
            Path sharedRoot,
            SupervisedLauncher shellLauncher,
            ProcessPoller poller,
            ProcessSignaller signaller,
            CommandRunner commandRunner) {}
}
