package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.SignalReset;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts tasks under a supervisor that is detached from this JVM, so tasks survive the JVM exiting or being killed.
 *
 * <p>The JVM runs {@code /bin/sh supervisor.sh ...} with its standard input and output on pipes. That shell forks
 * the supervisor and exits as soon as the JVM, having read the report, closes its input; so the JVM keeps no child
 * process (and no JDK reaper thread) per task, and the JDK never stops reading the output early. The
 * supervisor forks the task, which leads its own session and process group ({@code setsid}), reports the task's pid
 * on the pipe, waits for it and records its exit status atomically. The pids arrive by a blocking read, not by
 * polling a file, and no program runs between the JVM and the fork of the task but the shell itself. See
 * {@code supervisor.sh} in this package.
 */
public final class SupervisedLauncher implements TaskLauncher {
    /** The POSIX shell that runs the supervisor. */
    public static final String SHELL = "/bin/sh";

    static final String SUPERVISOR_LOG = "supervisor.log";

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedLauncher.class);

    private final Path script;
    private final Path setsid;
    private final Path mv;
    private final Optional<Path> signalReset;

    /**
     * @param scriptDir where the supervisor script is installed (once per content version)
     * @throws IOException when the script cannot be installed
     * @throws IllegalStateException when {@code setsid} or {@code mv} is not installed
     */
    public SupervisedLauncher(Path scriptDir) throws IOException {
        this.setsid = Executables.require("setsid");
        this.mv = Executables.require("mv");
        this.script = SupervisorScript.install(scriptDir);
        this.signalReset = SignalReset.find();
    }

    /**
     * The {@code env} a task's wrapper runs as {@code env --default-signal ...} to give every signal its default
     * action ({@link SignalReset}). Empty on hosts without one; their tasks ignore what the shell ignored.
     */
    public Optional<Path> signalReset() {
        return signalReset;
    }

    /**
     * Starts {@code spec} and returns once the task runs (or already ended) and, when it
     * {@linkplain LaunchSpec#reportsReady() reports readiness}, once it is ready.
     *
     * @throws NotReadyException when the task ended before it was ready, or was not ready within {@code timeout} (it
     *         is killed then)
     * @throws IOException when the task could not be started; the message holds what the supervisor reported
     */
    @Override
    public SupervisedTask launch(LaunchSpec spec, Duration timeout) throws IOException {
        if (spec.isolation() != null) {
            throw new IllegalArgumentException("a shell supervisor cannot isolate a task itself; the argv must");
        }
        if (!spec.cgroupCreation().isEmpty()) {
            throw new IllegalArgumentException("a shell supervisor joins cgroups made before the launch");
        }
        for (Path dir : List.of(
                spec.stateDir(),
                spec.exitFile().getParent(),
                spec.stdout().getParent(),
                spec.stderr().getParent())) {
            Directories.ensure(dir);
        }
        Path supervisorLog = spec.stateDir().resolve(SUPERVISOR_LOG);
        long deadline = System.nanoTime() + timeout.toNanos();

        ProcessBuilder builder = new ProcessBuilder(command(spec))
                .directory(spec.stateDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(supervisorLog.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        spec.env().forEach((k, v) -> {
            if (!k.startsWith(LaunchSpec.RESERVED_ENV_PREFIX)) {
                env.put(k, v);
            }
        });
        Process shell = builder.start();
        // closing the shell's input, once the report is read, lets it end
        try (InputStream report = shell.getInputStream();
                OutputStream release = shell.getOutputStream()) {
            Report reported = readPids(spec, report, supervisorLog);
            SupervisedTask task = reported.task();
            LOG.debug("started {} under supervisor {}", task.task(), task.supervisor());
            if (spec.reportsReady() && !reported.ready()) {
                awaitReady(task, report, deadline, timeout);
            }
            return task;
        }
    }

    private List<String> command(LaunchSpec spec) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                SHELL,
                script.toString(),
                spec.exitFile().toString(),
                spec.stdout().toString(),
                spec.stderr().toString(),
                spec.cwd().toString(),
                setsid.toString(),
                mv.toString(),
                spec.reportsReady() ? "1" : "0",
                spec.resetsSignals() ? signalReset.map(Path::toString).orElse("") : ""));
        spec.cgroupProcsFiles().forEach(f -> command.add(f.toString()));
        command.add("--");
        if (spec.user() != null) {
            // after the shell opened the logs and joined the cgroups as root
            command.addAll(spec.user().switchingArgv());
        }
        command.addAll(spec.argv());
        return command;
    }

    /**
     * Reads the two pid lines; the shell writes them right after its forks, or ends, so this read cannot hang. A
     * quick task may write its ready line before a pid line is written: that counts as its ready report.
     */
    private static Report readPids(LaunchSpec spec, InputStream report, Path supervisorLog) throws IOException {
        int taskPid = 0;
        int supervisorPid = 0;
        boolean ready = false;
        while (taskPid == 0 || supervisorPid == 0) {
            String line = ReplyLines.readLine(report);
            if (line == null) {
                throw new IOException("the supervisor ended without starting the task: " + readQuietly(supervisorLog));
            }
            if (line.startsWith("error ")) {
                throw new IOException(line.substring("error ".length()));
            } else if (line.startsWith("task ")) {
                taskPid = pid(line);
            } else if (line.startsWith("supervisor ")) {
                supervisorPid = pid(line);
            } else if (spec.reportsReady() && LaunchSpec.READY.equals(line)) {
                ready = true;
            } else {
                throw new IOException("unexpected report from the supervisor: " + line);
            }
        }
        return new Report(
                new SupervisedTask(
                        spec.stateDir(),
                        spec.exitFile(),
                        ProcessIdentity.of(taskPid),
                        ProcessIdentity.of(supervisorPid)),
                ready);
    }

    /** What the supervisor reported: the task, and whether its ready line came along with the pids. */
    private record Report(SupervisedTask task, boolean ready) {}

    /**
     * Waits for the task's ready line. Its setup may block (a hung mount), so the pipe is polled against the
     * deadline rather than read blindly; an exit status without a ready line means the setup failed.
     *
     * <p>The exit status is read before the pipe: the task writes its ready line before it executes its command,
     * so by the time its exit status exists the line is in the pipe. Looking at the pipe first would lose a task
     * that reports ready and ends between the two looks.
     */
    private static void awaitReady(SupervisedTask task, InputStream report, long deadline, Duration timeout)
            throws IOException {
        long pause = TimeUnit.MICROSECONDS.toNanos(20);
        while (true) {
            Optional<ExitResult> ended = ExitStatusFile.read(task.exitFile());
            if (readyWaiting(report)) {
                return;
            }
            if (ended.isPresent()) {
                throw new NotReadyException(
                        "the task ended before it was ready (" + describe(ended.get()) + ")", false);
            }
            if (System.nanoTime() > deadline) {
                // its leader's death takes the rest along (process group, pid namespace)
                ProcessHandle.of(task.task().pid())
                        .filter(p -> task.task().isRunning())
                        .ifPresent(ProcessHandle::destroyForcibly);
                throw new NotReadyException("the task was not ready within " + timeout, true);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    /** Reads what the pipe holds without blocking; whether it held the ready line. */
    private static boolean readyWaiting(InputStream report) throws IOException {
        while (report.available() > 0) {
            if (LaunchSpec.READY.equals(ReplyLines.readLine(report))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(ExitResult exit) {
        if (exit.error() != null) {
            return exit.error();
        }
        return exit.signal() != 0 ? "signal " + exit.signal() : "exit code " + exit.exitCode();
    }

    private static int pid(String line) throws IOException {
        try {
            return Integer.parseInt(line.substring(line.indexOf(' ') + 1).strip());
        } catch (NumberFormatException e) {
            throw new IOException("unexpected report from the supervisor: " + line, e);
        }
    }

    private static Optional<String> readIfExists(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return readIfExists(file)
                    .filter(t -> !t.isBlank())
                    .map(String::strip)
                    .orElse("no message");
        } catch (IOException e) {
            return "no message (" + e.getMessage() + ")";
        }
    }

    /** A task that was started but did not report ready: it ended first, or did not report in time. */
    public static final class NotReadyException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean timedOut;

        NotReadyException(String message, boolean timedOut) {
            super(message);
            this.timedOut = timedOut;
        }

        /** Whether the task was still setting up at the deadline (it has been killed). */
        public boolean timedOut() {
            return timedOut;
        }
    }
}
