package dev.taskdrivers.exec.internal.raw;

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
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
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
import dev.taskdrivers.exec.internal.process.ProcessPoller;
import dev.taskdrivers.exec.internal.process.SupervisedLauncher;
import dev.taskdrivers.exec.internal.process.SupervisedProcess;
import dev.taskdrivers.exec.internal.process.SupervisedTask;
import dev.taskdrivers.exec.internal.process.TaskDirCommand;
import dev.taskdrivers.exec.internal.process.TaskLauncher;
import dev.taskdrivers.exec.internal.process.TaskLogLimits;
import dev.taskdrivers.exec.internal.process.TaskProcessFinder;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.exec.internal.process.TaskUserCache;
import dev.taskdrivers.exec.internal.process.UnrecordedStarts;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.hostprocess.CommandRunner;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessSignaller;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task as a plain host process, without isolation: argv only, the task's environment, the task directory as
 * working directory, stdout and stderr in rotated files under the logs directory. Tasks outlive this JVM (see
 * {@link dev.taskdrivers.exec.internal.process}).
 *
 * <p>Tasks start through one fork server per driver ({@link ForkServerLauncher}), which records exact exit codes and
 * signals. Where Perl is missing, or with the option {@code fork_server = false}, the driver gives each task a shell
 * supervisor instead ({@link SupervisedLauncher}), which starts slower and reports exit codes 129-192 as signals; the
 * fingerprint attribute {@code driver.raw_exec.supervisor} says which one is used.
 *
 * <p>A task runs as the runner's user unless it names another {@code user}: a runner running as root then starts it
 * with that user's groups, gid and uid (after opening its log files) and hands the task's own directories to it; any
 * other runner refuses such a task at validation.
 *
 * <p>Where the runner can make cgroups (root, memory, cpu and pids in a writable hierarchy), each start gets one,
 * {@code <cgroup_parent>/<launch name>} as exec names them, with the task's memory limit ({@code memory_max} when set,
 * else {@code memory}; {@code memory} the soft limit under {@code memory_max}) and cpu shares, and the task joins it
 * before its program runs. Once the task's leader ends, or it is stopped, everything left in it is killed; cleanup
 * removes it. Elsewhere tasks run in the runner's cgroup, as the fingerprint says ({@link RawExecCgroups}).
 *
 * <p>A group in {@code bridge} network mode gets a network namespace of its own ({@link GroupNetworks}); its tasks
 * run behind {@code nsenter}, which enters it and executes the task's program in place (the switch to the task's
 * user then comes after it, by {@code setpriv}), and so do commands executed in them.
 */
public final class RawExecDriver implements NamespaceNetworkDriver {
    static final int STATE_VERSION = 1;
    static final String STATE_DIRS = "raw_exec_state_dir";
    static final String EXIT_FILES = "raw_exec_exit_file";
    static final String CGROUPS = "raw_exec_cgroup";

    private static final Logger LOG = LoggerFactory.getLogger(RawExecDriver.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    /** util-linux choom, which sets a task's oom_score_adj before its program runs; looked up once. */
    private static final Optional<Path> CHOOM = Executables.resolve("choom", Executables.DEFAULT_PATH, null);

    private final Path dataDir;
    private final RawExecOptions options;
    private final UnrecordedStarts unrecorded = new UnrecordedStarts(STATE_DIRS);
    private final GroupNetworks networks =
            new GroupNetworks(task -> RawExecTaskConfig.read(task).portMap());

    private final Path tasksDir;
    private final Path exitsDir;
    private final TaskUserCache users = new TaskUserCache();
    private final int runnerUid = TaskUser.runnerUid();
    /** Made on first use, dropped by close(). */
    private @Nullable Supervision supervision;
    /** Found on first use. */
    private @Nullable RawExecCgroups cgroups;

    public RawExecDriver(DriverContext context, RawExecOptions options) {
        // the fork server and the supervisors run in other working directories
        this.dataDir = context.dataDir().toAbsolutePath();
        this.options = options;
        this.tasksDir = dataDir.resolve("tasks");
        this.exitsDir = dataDir.resolve("exits");
    }

    @Override
    public String name() {
        return RawExecDriverFactory.NAME;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .signals(true)
                .exec(true)
                .fsIsolation(Capabilities.FsIsolation.NONE)
                .build();
    }

    @Override
    public Fingerprint fingerprint() {
        return RawExecFingerprint.of(options, this::cgroups);
    }

    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        return problems(RawExecTaskConfig.read(task), task);
    }

    private static List<ValidationProblem> problems(RawExecTaskConfig config, TaskConfig task) {
        List<ValidationProblem> problems = new ArrayList<>(config.problems());
        if (task.user() != null) {
            TaskUser.nameProblem(task.user()).ifPresent(p -> problems.add(new ValidationProblem("user", p)));
        }
        return problems;
    }

    /**
     * {@inheritDoc} Here: an absolute {@code command} that is not an executable file on this host, an
     * {@code oom_score_adj} where this host has no {@code choom} to set it with, a {@code user} this host does not
     * have or a runner that is not root cannot switch to.
     */
    @Override
    public List<ValidationProblem> nodeProblems(TaskConfig task) {
        return nodeProblems(RawExecTaskConfig.read(task), task);
    }

    private List<ValidationProblem> nodeProblems(RawExecTaskConfig config, TaskConfig task) {
        List<ValidationProblem> problems = new ArrayList<>(config.nodeProblems(task));
        problems.addAll(choomProblems(config));
        try {
            if (task.user() == null || TaskUser.nameProblem(task.user()).isEmpty()) { // else validate's problem
                userSwitch(task);
            }
        } catch (DriverException e) {
            problems.add(new ValidationProblem("user", Objects.requireNonNullElse(e.getMessage(), e.toString())));
        }
        return problems;
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        RawExecTaskConfig config = RawExecTaskConfig.read(task);
        List<ValidationProblem> problems = problems(config, task);
        problems.addAll(nodeProblems(config, task));
        ValidationException.throwIfAny(problems);
        Optional<TaskUser> user = userSwitch(task);
        try {
            Directories.ensure(task.dirs().logsDir());
            if (user.isPresent()) {
                // its working directory and own directories become the task's; its logs are opened before the switch
                Directories.handOver(
                        user.get(),
                        List.of(
                                task.dirs().taskDir(),
                                task.dirs().localDir(),
                                task.dirs().secretsDir()),
                        task.dirs().allocDir());
            }
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.INTERNAL,
                    "cannot prepare the task directories of " + task.id() + ": " + e.getMessage(),
                    e);
        }
        GroupNetworks.requireNamespaceForPortMap(config.namespace(), config.portMap());
        return config.namespace().isEmpty()
                ? PrestartResult.empty()
                : PrestartResult.builder().portMap(config.portMap()).build();
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        requireEnabled();
        RawExecTaskConfig config = RawExecTaskConfig.read(task);
        ValidationException.throwIfAny(config.problems());
        Optional<TaskUser> user = userSwitch(task);
        String command = Objects.requireNonNull(config.command(), "a config without problems has its command");
        Path program = RawExecTaskConfig.resolve(command, task)
                .orElseThrow(() -> DriverException.fatal(
                        ErrorCode.INVALID_CONFIG,
                        "config.command: '" + command + "' is not an executable file"
                                + " (relative paths are resolved in "
                                + task.dirs().taskDir()
                                + "; a bare name is looked up in its local/, then in it, then on PATH "
                                + RawExecTaskConfig.searchPath(task) + ")"));
        TaskDirCommand.ensureExecutable(program, task.dirs());
        Path workDir = config.workDir(task);
        if (config.workDir().isPresent() && !Files.isDirectory(workDir)) {
            throw new ValidationException(
                    List.of(new ValidationProblem("config.work_dir", workDir + " is not a directory on this host")));
        }
        ValidationException.throwIfAny(choomProblems(config));
        String name = LaunchNames.next(task.id());
        Path stateDir = tasksDir.resolve(name);
        Path exitFile = exitsDir.resolve(name);
        List<RotatingLogFile> logs = config.logLimits().open(task);
        LaunchSpec plain = new LaunchSpec(
                config.argv(program, CHOOM),
                environment(task),
                workDir,
                logs.get(0).currentFile(),
                logs.get(1).currentFile(),
                stateDir,
                exitFile);
        LaunchSpec spec;
        try {
            spec = config.namespace().isPresent()
                    // nsenter needs root: the task takes its user after it
                    ? plain.withPrefix(entering(config.namespace(), user))
                    : user.map(plain::runningAs).orElse(plain);
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        CreatedResources created =
                CreatedResources.empty().with(STATE_DIRS, stateDir.toString()).with(EXIT_FILES, exitFile.toString());
        // the task joins it before its program runs (as root, before any switch of user); through the fork server it
        // also creates it, after the start returned
        Optional<TaskCgroup> cgroup;
        if (supervision().launcher instanceof ForkServerLauncher) {
            Optional<RawExecCgroups.Planned> planned = cgroups().plan(name, task.resources());
            cgroup = planned.map(RawExecCgroups.Planned::cgroup);
            if (planned.isPresent()) {
                spec = spec.creatingCgroups(planned.get().steps());
            }
        } else {
            cgroup = cgroups().create(name, task.resources());
        }
        if (cgroup.isPresent()) {
            spec = spec.joiningCgroups(cgroup.get().procsFiles());
            created = created.with(CGROUPS, cgroup.get().path());
        }
        SupervisedTask supervised;
        try {
            Directories.ensure(task.dirs().taskDir());
            // made before the task starts, so a start whose handle is never recorded is found with its exit file
            Directories.ensure(stateDir);
            supervised = supervision().launcher.launch(spec, START_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(stateDir, exitFile);
            cgroup.ifPresent(RawExecDriver::emptyAndRemoveQuietly);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw DriverException.fatal(ErrorCode.INTERNAL, "cannot start " + program + ": " + e.getMessage(), e);
        }
        LOG.debug(
                "started task {} ({}) as {}{}{}",
                task.id(),
                program,
                supervised.task(),
                user.map(u -> " running as user " + u.name()).orElse(""),
                cgroup.map(c -> " in cgroup " + c.path()).orElse(""));
        return StartResult.builder()
                .handle(handle(task, supervised, user, config.namespace(), cgroup, logs, events))
                .created(created)
                .network(GroupNetworks.driverNetwork(config.namespace(), config.portMap()))
                .build();
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        if (!RawExecDriverFactory.NAME.equals(state.driver()) || state.version() != STATE_VERSION) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "handle state of driver " + state.driver() + " version " + state.version()
                            + " is not a raw_exec state (version " + STATE_VERSION + ")");
        }
        SupervisedTask supervised;
        Optional<TaskUser> user;
        Optional<String> namespace;
        Optional<TaskCgroup> cgroup;
        try {
            supervised = SupervisedTask.fromMap(state.data());
            user = RawExecHandle.userOf(state.data());
            namespace = RawExecHandle.namespaceOf(state.data());
            // states written before raw_exec tasks had cgroups name none
            cgroup = RawExecHandle.cgroupOf(state.data()).flatMap(cgroups()::existing);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "raw_exec handle state: " + e.getMessage(), e);
        }
        // a running task is the common case: its exit file is looked for once, by the watch
        boolean ended = !supervised.task().isRunning();
        // a fork server outlives each of its tasks, so its being alive does not mean this status will come
        if (ended
                && ExitStatusFile.read(supervised.exitFile()).isEmpty()
                && !(supervised.supervisor().isRunning() && ExitStatusFile.awaitRecorded(supervised.exitFile()))) {
            // what the task left in its cgroup must not run unsupervised
            cgroup.ifPresent(RawExecDriver::emptyQuietly);
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND,
                    "task " + task.id() + " (" + supervised.task() + ") is gone and left no exit status");
        }
        LOG.debug("reattached to task {} ({}{})", task.id(), supervised.task(), ended ? ", already ended" : "");
        return handle(
                task,
                supervised,
                user,
                namespace,
                cgroup,
                TaskLogLimits.read(task).openLater(task),
                events);
    }

    /**
     * Finds the task's leader among the host's processes by the task id in its environment, with the state directory
     * of its start (made before the launch) for its exit file, and reattaches to it. When its supervisor is gone, or
     * no state directory is left, the handle still watches the process and can stop it; its exit status is then
     * reported as unknown.
     */
    @Override
    public Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        Optional<TaskProcessFinder.Found> found = UnrecordedStarts.findRunning(task, dataDir.resolve("bin"));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        // the cgroup the task joined names its start; without one, the latest start that has not ended
        Optional<String> inCgroup = LaunchOfProcess.name(found.get().task().pid(), options.cgroupParent(), task.id());
        String name = inCgroup.orElseGet(() -> UnrecordedStarts.whileLooking(
                task,
                () -> LaunchNames.latestUnended(tasksDir, exitsDir, task.id())
                        .orElseGet(() -> LaunchNames.next(task.id()))));
        Optional<TaskUser> user = userSwitch(task);
        SupervisedTask supervised = new SupervisedTask(
                tasksDir.resolve(name),
                exitsDir.resolve(name),
                found.get().task(),
                found.get().supervisor());
        Map<String, String> data = new LinkedHashMap<>(supervised.toMap());
        user.ifPresent(u -> data.putAll(u.toMap()));
        RawExecTaskConfig.read(task).namespace().ifPresent(n -> data.put(RawExecHandle.NAMESPACE, n));
        inCgroup.ifPresent(n -> data.put(RawExecHandle.CGROUP, cgroups().pathOf(n)));
        LOG.info(
                "found task {} running as {}{}, started without its handle being recorded",
                task.id(),
                supervised.task(),
                found.get().supervised() ? "" : " without its supervisor (exit status unknown)");
        HandleState recorded = new HandleState(RawExecDriverFactory.NAME, STATE_VERSION, data);
        return unrecorded.takeOver(task, () -> recover(task, recorded, events));
    }

    @Override
    public GroupNetworks groupNetworks() {
        return networks;
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        Set<String> listed = new LinkedHashSet<>(resources.get(CGROUPS));
        for (String path : listed) {
            if (!emptyAndRemove(path)) {
                LOG.warn("cannot remove cgroup {}: {}", path, cgroups().unavailableReason());
            }
        }
        for (String dir : resources.get(STATE_DIRS)) {
            // the start's cgroup has its state directory's launch name, also where the resources do not list it
            String path = cgroups().pathOf(Path.of(dir).getFileName().toString());
            if (!listed.contains(path)) {
                emptyAndRemove(path);
            }
        }
        for (String dir : resources.get(STATE_DIRS)) {
            deleteOwned(Path.of(dir), tasksDir);
        }
        for (String file : resources.get(EXIT_FILES)) {
            // with what a supervisor killed halfway may have left next to it
            for (String suffix : List.of("", ".tmp", ".setup")) {
                deleteOwned(Path.of(file + suffix), exitsDir);
            }
        }
        // and the files of starts the runner never recorded, found by the task id in their names
        if (!unrecorded.mayExist(task, resources)) {
            return;
        }
        try {
            for (Path file : LaunchNames.of(exitsDir, task.id())) {
                // a start whose handle was never recorded may have made a cgroup, named like its files
                String name = file.getFileName().toString().replaceFirst("\\.(tmp|setup)$", "");
                emptyAndRemove(cgroups().pathOf(name));
            }
            for (Path dir : LaunchNames.of(tasksDir, task.id())) {
                emptyAndRemove(cgroups().pathOf(dir.getFileName().toString()));
                deleteOwned(dir, tasksDir);
            }
            for (Path file : LaunchNames.of(exitsDir, task.id())) {
                deleteOwned(file, exitsDir);
            }
        } catch (IllegalStateException e) {
            throw DriverException.recoverable(
                    ErrorCode.INTERNAL, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
    }

    @Override
    public synchronized void close() {
        if (supervision != null) {
            supervision.launcher.close();
            supervision.poller.close();
            supervision = null;
        }
    }

    private RawExecHandle handle(
            TaskConfig task,
            SupervisedTask supervised,
            Optional<TaskUser> user,
            Optional<String> namespace,
            Optional<TaskCgroup> cgroup,
            List<RotatingLogFile> logs,
            EventEmitter events) {
        Supervision rt = supervision();
        return new RawExecHandle(
                task,
                new SupervisedProcess(supervised, rt.poller, rt.signaller, logs),
                user,
                namespace,
                cgroup,
                rt.commandRunner,
                RawExecTaskConfig.read(task).workDir(task),
                environment(task),
                events);
    }

    /**
     * The user to switch to for {@code task}; empty when it runs as the runner's user.
     *
     * @throws DriverException naming the user when it is unknown or the runner cannot switch to it
     */
    private Optional<TaskUser> userSwitch(TaskConfig task) {
        return task.user() == null ? Optional.empty() : RawExecUser.switchTo(users.get(task.user()), runnerUid);
    }

    /** The argv prefix that enters {@code namespace} (if any), then switches to {@code user} (if any). */
    static List<String> entering(Optional<String> namespace, Optional<TaskUser> user) throws IOException {
        List<String> prefix = new ArrayList<>();
        namespace.ifPresent(n -> prefix.addAll(GroupNamespace.enterArgv(n)));
        if (user.isPresent()) {
            prefix.addAll(user.get().switchingArgv());
        }
        return prefix;
    }

    private void requireEnabled() {
        if (!options.enabled()) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, "raw_exec is disabled by the operator (option enabled = false)");
        }
    }

    /** A problem when the task sets its oom_score_adj and this host has no choom to set it with. */
    private static List<ValidationProblem> choomProblems(RawExecTaskConfig config) {
        if (config.oomScoreAdj().isPresent() && CHOOM.isEmpty()) {
            return List.of(new ValidationProblem(
                    "config.oom_score_adj", "needs choom (util-linux) on this host's PATH, which is missing"));
        }
        return List.of();
    }

    /** The task's environment without the operator's denied variables, with a default PATH when it has none. */
    private Map<String, String> environment(TaskConfig task) {
        Map<String, String> env = new LinkedHashMap<>(options.deniedEnvVars().scrub(task.env()));
        env.putIfAbsent("PATH", RawExecTaskConfig.searchPath(task));
        return env;
    }

    private synchronized Supervision supervision() {
        if (supervision == null) {
            try {
                ProcessSignaller signaller = new ProcessSignaller();
                supervision = new Supervision(
                        launcher(), ProcessPoller.withDefaults(), signaller, new CommandRunner(signaller));
            } catch (IOException | IllegalStateException e) {
                throw DriverException.fatal(
                        ErrorCode.DRIVER_UNAVAILABLE, "raw_exec cannot run here: " + e.getMessage(), e);
            }
        }
        return supervision;
    }

    private TaskLauncher launcher() throws IOException {
        Path bin = dataDir.resolve("bin");
        Optional<Path> perl = ForkServerLauncher.findPerl();
        if (options.forkServer() && perl.isPresent()) {
            return new ForkServerLauncher(perl.get(), bin, dataDir);
        }
        if (options.forkServer()) {
            LOG.warn(
                    "no {} on {}: raw_exec falls back to a shell supervisor per task (slower start, exit codes"
                            + " 129-192 reported as signals)",
                    ForkServerLauncher.PERL,
                    Executables.DEFAULT_PATH);
        }
        return new SupervisedLauncher(bin);
    }

    /** Deletes {@code path} if it lies in {@code parent}, so a tampered resource list cannot delete elsewhere. */
    private static void deleteOwned(Path path, Path parent) {
        Path normalized = path.toAbsolutePath().normalize();
        if (!parent.toAbsolutePath().normalize().equals(normalized.getParent())) {
            LOG.warn("not deleting {}: not a raw_exec state file of this driver ({})", path, parent);
            return;
        }
        try {
            deleteRecursively(normalized);
        } catch (IOException e) {
            throw DriverException.recoverable(ErrorCode.INTERNAL, "cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                deleteRecursively(p);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", p, e.toString());
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteRecursively(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    /** How this host lets raw_exec tasks have cgroups, found once. */
    private synchronized RawExecCgroups cgroups() {
        if (cgroups == null) {
            cgroups = RawExecCgroups.detect(options.cgroupParent(), runnerUid, () -> MountInfo.read(MountInfo.SELF));
        }
        return cgroups;
    }

    /**
     * Kills every process in the task cgroup at {@code path} and removes it; nothing when it is gone. False when this
     * runner has no cgroups to look in.
     */
    private boolean emptyAndRemove(String path) {
        Optional<TaskCgroup> cgroup;
        try {
            cgroup = cgroups().existing(path);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, Objects.requireNonNullElse(e.getMessage(), ""), e);
        }
        if (cgroup.isEmpty()) {
            return false;
        }
        if (cgroup.get().exists()) {
            cgroup.get().killAll(KILL_TIMEOUT);
            cgroup.get().remove();
        }
        return true;
    }

    private static void emptyQuietly(TaskCgroup cgroup) {
        try {
            cgroup.killAll(KILL_TIMEOUT);
        } catch (DriverException e) {
            LOG.warn("cannot empty cgroup {}: {}", cgroup.path(), e.getMessage());
        }
    }

    private static void emptyAndRemoveQuietly(TaskCgroup cgroup) {
        try {
            cgroup.killAll(KILL_TIMEOUT);
            cgroup.remove();
        } catch (DriverException e) {
            LOG.warn("cannot remove cgroup {}: {}", cgroup.path(), e.getMessage());
        }
    }

    /** What the driver creates on first use: the launcher, the poller thread, the signaller. */
    private record Supervision(
            TaskLauncher launcher, ProcessPoller poller, ProcessSignaller signaller, CommandRunner commandRunner) {}
}
