package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
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
import dev.taskdrivers.hostprocess.DetachedLauncher;
import dev.taskdrivers.hostprocess.LogRotator;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task as a QEMU virtual machine. The VM runs in its own session and survives the runner; a new runner
 * reattaches by pid (checked against the process start time) and the task's monitor socket.
 */
public final class QemuDriver implements Driver {
    public static final String NAME = "qemu";
    /** Created resource kind: the task's directory holding monitor socket, pid and exit status. */
    public static final String STATE_DIR_RESOURCE = "qemu_state_dir";

    private static final Logger LOG = LoggerFactory.getLogger(QemuDriver.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLEANUP_KILL_WAIT = Duration.ofSeconds(5);

    private final QemuDriverOptions options;
    private final KvmSupport kvm;
    /** Made at the first start or recover; guarded by this. */
    private @Nullable LogRotator logRotator;

    public QemuDriver(QemuDriverOptions options) {
        this.options = options;
        this.kvm = new KvmSupport(options.qemuPath(), options.stateDir());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .fsIsolation(Capabilities.FsIsolation.IMAGE)
                .build();
    }

    @Override
    public Fingerprint fingerprint() {
        HostProbe.QemuVersion version = HostProbe.qemuVersion(options.qemuPath());
        if (version instanceof HostProbe.Missing missing) {
            return Fingerprint.undetected(missing.reason());
        }
        if (version instanceof HostProbe.Broken broken) {
            return Fingerprint.unhealthy(broken.reason());
        }
        KvmVerdict kvmVerdict = kvm.verdict();
        String v = HostProbe.versionString(version).orElseThrow();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("driver.qemu.version", v);
        attributes.put("driver.qemu.kvm", Boolean.toString(kvmVerdict.usable()));
        attributes.putAll(EmulatorFingerprint.attributes(new Emulators(options)));
        return Fingerprint.healthy(
                "qemu " + v
                        + (kvmVerdict.usable()
                                ? " with kvm"
                                : " (tcg only, kvm not usable: " + kvmVerdict.reason() + ")"),
                attributes);
    }

    /**
     * {@inheritDoc} A task without ports in its resources is taken as checked before its ports were granted, so
     * {@code port_map} labels are checked against them only at prestart and start.
     */
    @Override
    public List<ValidationProblem> validate(TaskConfig task) {
        return problems(task, !task.resources().ports().isEmpty(), false);
    }

    /** {@inheritDoc} Here: {@code accelerator = "kvm"} where KVM does not run guests, an emulator not installed. */
    @Override
    public List<ValidationProblem> nodeProblems(TaskConfig task) {
        return parse(task, false, false).nodeProblems();
    }

    /** The task's problems and this node's, for the last check before the VM is made. */
    private List<ValidationProblem> allProblems(TaskConfig task) {
        List<ValidationProblem> all = new ArrayList<>(problems(task, true, true));
        all.addAll(parse(task, true, true).nodeProblems());
        return all;
    }

    /**
     * Every problem of the task; {@code portsKnown} when its resources hold the ports it was granted,
     * {@code imagePresent} when its artifacts were fetched (a relative image_path must be there).
     */
    private List<ValidationProblem> problems(TaskConfig task, boolean portsKnown, boolean imagePresent) {
        List<ValidationProblem> problems =
                new ArrayList<>(parse(task, portsKnown, imagePresent).problems());
        VmUser.check(task.user(), VmUser.runnerUser()).ifPresent(problems::add);
        TaskFiles files = TaskFiles.of(options.stateDir(), task.id());
        if (!files.socketPathFits()) {
            problems.add(new ValidationProblem(
                    "driver.state_dir",
                    "the monitor socket path " + files.monitorSocket()
                            + " is longer than the " + TaskFiles.MAX_SOCKET_PATH_BYTES
                            + " bytes a unix socket allows; configure a shorter state_dir"));
        }
        return problems;
    }

    /** The config of a task whose problems were checked: only a task with none gets this far. */
    private QemuTaskConfig validConfig(TaskConfig task) {
        return Objects.requireNonNull(parse(task, true, true).config(), "config of a valid task");
    }

    @Override
    public PrestartResult prestart(TaskConfig task, EventEmitter events) {
        ValidationException.throwIfAny(allProblems(task));
        return PrestartResult.builder().portMap(validConfig(task).portMap()).build();
    }

    @Override
    public StartResult start(TaskConfig task, EventEmitter events) {
        ValidationException.throwIfAny(allProblems(task));
        QemuTaskConfig config = validConfig(task);
        TaskFiles files = TaskFiles.of(options.stateDir(), task.id());
        List<String> argv = QemuCommandLine.build(config.emulator(), task, config, files);
        List<RotatingLogFile> logs =
                RotatingLogFile.openBoth(task.dirs().logsDir(), task.id().taskName(), task.logs());
        Path stdout = logs.get(0).currentFile();
        Path stderr = logs.get(1).currentFile();
        long stderrOffset;
        Process launcher;
        try {
            prepareDir(files);
            Files.createDirectories(task.dirs().logsDir());
            stderrOffset = Files.exists(stderr) ? Files.size(stderr) : 0;
            LOG.info("{}: starting {}", task.id(), argv);
            launcher = DetachedLauncher.launch(argv, task.env(), files.statusFile(), stdout, stderr);
        } catch (IOException e) {
            deleteQuietly(files.dir());
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL, "cannot start qemu for " + task.id() + ": " + e.getMessage(), e);
        }
        ProcessIdentity qemu = awaitReady(task, files, launcher, stderr, stderrOffset);
        try {
            qemu.writeTo(files.identityFile());
        } catch (IOException e) {
            LOG.warn("{}: cannot record the qemu identity in {}: {}", task.id(), files.identityFile(), e.getMessage());
        }
        events.driverEvent(
                "Started VM with " + config.accelerator().configName(),
                Map.of(
                        "pid",
                        Long.toString(qemu.pid()),
                        "accelerator",
                        config.accelerator().configName()));
        TaskHandle handle = QemuTaskHandle.started(
                task.id().toString(),
                launcher,
                qemu,
                files,
                config.gracefulShutdown(),
                config.guestAgent(),
                events,
                rotate(logs));
        return StartResult.of(
                handle,
                CreatedResources.empty().with(STATE_DIR_RESOURCE, files.dir().toString()));
    }

    /** Waits until qemu wrote its pid and its monitor accepts connections; fails with qemu's own words if it quits. */
    private ProcessIdentity awaitReady(
            TaskConfig task, TaskFiles files, Process launcher, Path stderr, long stderrOffset) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessIdentity> qemu = readPid(files).flatMap(ProcessIdentity::find);
            if (qemu.isPresent() && monitorAnswers(files)) {
                return qemu.get();
            }
            if (!launcher.isAlive()) {
                String status = DetachedLauncher.readStatus(files.statusFile())
                        .map(String::valueOf)
                        .orElse("?");
                deleteQuietly(files.dir());
                throw DriverException.fatal(
                        ErrorCode.EXTERNAL,
                        "qemu for " + task.id() + " exited during start" + " with status " + status + ": "
                                + tail(stderr, stderrOffset));
            }
            sleep(Duration.ofMillis(20));
        }
        readPid(files).flatMap(ProcessIdentity::find).ifPresent(p -> p.kill(true));
        launcher.destroyForcibly();
        deleteQuietly(files.dir());
        throw new DriverException(
                ErrorCode.TIMEOUT,
                true,
                "qemu for " + task.id() + " did not open its monitor" + " within " + START_TIMEOUT.toSeconds() + " s: "
                        + tail(stderr, stderrOffset));
    }

    @Override
    public TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events) {
        if (!NAME.equals(state.driver()) || state.version() != QemuTaskHandle.STATE_VERSION) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "handle state is not a qemu state of version " + QemuTaskHandle.STATE_VERSION + ": driver "
                            + state.driver() + ", version " + state.version());
        }
        ProcessIdentity qemu;
        try {
            qemu = new ProcessIdentity(
                    Long.parseLong(state.require("pid")), Long.parseLong(state.require("start_ticks")));
        } catch (NumberFormatException e) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "handle state has a malformed pid or start time");
        }
        TaskFiles files = new TaskFiles(Path.of(state.require("dir")));
        if (!qemu.isRunning()) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "qemu process " + qemu.pid() + " of " + task.id() + " is no longer running");
        }
        if (!monitorAnswers(files)) {
            LOG.warn(
                    "{}: qemu {} runs but its monitor {} does not answer; graceful stop will fall back to killing",
                    task.id(),
                    qemu.pid(),
                    files.monitorSocket());
        }
        LOG.info("{}: reattached to qemu pid {}", task.id(), qemu.pid());
        TaskHandle handle = QemuTaskHandle.recovered(
                task.id().toString(),
                qemu,
                files,
                Boolean.parseBoolean(state.data().getOrDefault("graceful_shutdown", "false")),
                Boolean.parseBoolean(state.data().getOrDefault("guest_agent", "false")),
                events,
                rotate(RotatingLogFile.openBoth(task.dirs().logsDir(), task.id().taskName(), task.logs())));
        return handle;
    }

    /** Rotates the VM's stdout and stderr files by the task's log limits until the handle closes the watch. */
    private LogRotator.Watch rotate(List<RotatingLogFile> logs) {
        LogRotator rotator;
        synchronized (this) {
            if (logRotator == null) {
                logRotator = new LogRotator("qemu-log-rotator");
            }
            rotator = logRotator;
        }
        return rotator.watch(logs);
    }

    @Override
    public void cleanup(TaskConfig task, CreatedResources resources) {
        for (String dir : resources.get(STATE_DIR_RESOURCE)) {
            TaskFiles files = new TaskFiles(Path.of(dir));
            // A VM still running here was orphaned (its runner gave up on it): stop it rather than leak it.
            ProcessIdentity.readFrom(files.identityFile())
                    .filter(ProcessIdentity::isRunning)
                    .ifPresent(qemu -> {
                        LOG.warn("{}: qemu {} still running at cleanup, killing it", task.id(), qemu.pid());
                        qemu.kill(true);
                        long deadline = System.nanoTime() + CLEANUP_KILL_WAIT.toNanos();
                        while (qemu.isRunning() && System.nanoTime() < deadline) {
                            sleep(Duration.ofMillis(20));
                        }
                        if (qemu.isRunning()) {
                            throw new DriverException(
                                    ErrorCode.EXTERNAL,
                                    true,
                                    "qemu " + qemu.pid() + " of " + task.id() + " survived SIGKILL",
                                    null);
                        }
                    });
            try {
                deleteRecursively(files.dir());
            } catch (IOException e) {
                throw new DriverException(ErrorCode.EXTERNAL, true, "cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        // its only thread rotates logs; VMs outlive the driver
        if (logRotator != null) {
            logRotator.close();
        }
    }

    private QemuTaskConfig.Parsed parse(TaskConfig task, boolean portsKnown, boolean imagePresent) {
        return QemuTaskConfig.parse(task, options, kvm::verdict, portsKnown, imagePresent);
    }

    private static void prepareDir(TaskFiles files) throws IOException {
        Files.createDirectories(files.dir());
        for (Path stale : List.of(
                files.monitorSocket(),
                files.agentSocket(),
                files.pidFile(),
                files.statusFile(),
                files.identityFile())) {
            Files.deleteIfExists(stale);
        }
    }

    private static boolean monitorAnswers(TaskFiles files) {
        try {
            Monitor.query(files.monitorSocket(), "info status", Duration.ofSeconds(2));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Long> readPid(TaskFiles files) {
        try {
            return Optional.of(Long.parseLong(Files.readString(files.pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The end of what qemu wrote to stderr since {@code offset}: its reason for failing. */
    private static String tail(Path file, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(offset, f.length() - 2000);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no output)" : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "QemuDriver"
                + new LinkedHashMap<>(Map.of(
                        "qemu_path",
                        options.qemuPath(),
                        "state_dir",
                        options.stateDir().toString()));
    }
}
