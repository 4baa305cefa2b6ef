package dev.taskdrivers.exec.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts tasks under a supervisor that is detached from this JVM, so tasks survive the JVM exiting or being killed.
 *
 * <p>The JVM runs {@code setsid -f /bin/sh supervisor.sh ...}: setsid forks and returns at once, so the JVM keeps no
 * child process (and no JDK reaper thread) per task. The supervisor, in a session of its own, starts the task with
 * {@code setsid} (the task leads its own session and process group), records the task's pid, waits for it and
 * records its exit status atomically. See {@code supervisor.sh} in this package.
 */
public final class SupervisedLauncher {
    /** The POSIX shell that runs the supervisor. */
    public static final String SHELL = "/bin/sh";

    static final String PID_FILE = "pid";
    static final String SUPERVISOR_LOG = "supervisor.log";

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedLauncher.class);

    private final Path script;
    private final Path setsid;
    private final Path mv;

    /**
     * @param scriptDir where the supervisor script is installed (once per content version)
     * @throws IOException when the script cannot be installed
     * @throws IllegalStateException when {@code setsid} or {@code mv} is not installed
     */
    public SupervisedLauncher(Path scriptDir) throws IOException {
        this.setsid = Executables.require("setsid");
        this.mv = Executables.require("mv");
        this.script = SupervisorScript.install(scriptDir);
    }

    /**
     * Starts {@code spec} and returns once the task runs (or already ended).
     *
     * @throws IOException when the supervisor could not start the task within {@code timeout}; the message holds
     *         what the supervisor reported
     */
    public SupervisedTask launch(LaunchSpec spec, Duration timeout) throws IOException {
        Files.createDirectories(spec.stateDir());
        Files.createDirectories(spec.exitFile().getParent());
        Files.createDirectories(spec.stdout().getParent());
        Files.createDirectories(spec.stderr().getParent());
        Path supervisorLog = spec.stateDir().resolve(SUPERVISOR_LOG);

        List<String> command = new ArrayList<>(List.of(setsid.toString(), "-f", SHELL, script.toString(),
                spec.stateDir().toString(), spec.exitFile().toString(), spec.stdout().toString(),
                spec.stderr().toString(), spec.cwd().toString(), setsid.toString(), mv.toString(), "--"));
        command.addAll(spec.argv());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.stateDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(supervisorLog.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        spec.env().forEach((k, v) -> {
            if (!k.startsWith(LaunchSpec.RESERVED_ENV_PREFIX)) {
                env.put(k, v);
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        // setsid forks and exits at once; it is reaped in the background, and only looked at if the task never starts
        Process setsidProcess = builder.start();
        return awaitStart(spec, setsidProcess, supervisorLog, deadline, timeout);
    }

    private SupervisedTask awaitStart(LaunchSpec spec, Process setsidProcess, Path supervisorLog, long deadline,
            Duration timeout) throws IOException {
        Path pidFile = spec.stateDir().resolve(PID_FILE);
        long pause = TimeUnit.MICROSECONDS.toNanos(50);
        while (true) {
            String pids = readIfExists(pidFile);
            if (pids != null && pids.endsWith("\n")) {
                String[] parts = pids.strip().split(" ");
                SupervisedTask task = new SupervisedTask(spec.stateDir(), spec.exitFile(),
                        ProcessIdentity.of(Integer.parseInt(parts[0])), ProcessIdentity.of(Integer.parseInt(parts[1])));
                LOG.debug("started {} under supervisor {}", task.task(), task.supervisor());
                return task;
            }
            String exit = readIfExists(spec.exitFile());
            if (exit != null) {
                // the supervisor gave up before starting the task, e.g. a missing working directory
                throw new IOException(ExitStatusFile.parse(exit).error());
            }
            if (!setsidProcess.isAlive() && setsidProcess.exitValue() != 0) {
                throw new IOException("could not start the supervisor (setsid exit " + setsidProcess.exitValue()
                        + "): " + readQuietly(supervisorLog));
            }
            if (System.nanoTime() > deadline) {
                setsidProcess.destroyForcibly();
                throw new IOException("the supervisor did not start the task within " + timeout + ": "
                        + readQuietly(supervisorLog));
            }
            LockSupport.parkNanos(pause);
            // starting takes a few milliseconds; short pauses keep start latency low without burning a core
            pause = Math.min(pause * 2, TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private static String readIfExists(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String readQuietly(Path file) {
        try {
            String text = readIfExists(file);
            return text == null || text.isBlank() ? "no message" : text.strip();
        } catch (IOException e) {
            return "no message (" + e.getMessage() + ")";
        }
    }
}
