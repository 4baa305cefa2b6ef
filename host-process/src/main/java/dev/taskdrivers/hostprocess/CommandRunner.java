package dev.taskdrivers.hostprocess;

import dev.taskdrivers.hostprocess.internal.CappedOutput;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command (a script check, an exec into a task, a tool's subcommand) from an argument list, with a
 * timeout and capped output. Output goes to temporary files rather than pipes, so no thread is needed to drain it
 * and a grandchild holding the output open cannot hold up the result; the command runs in its own session so a
 * timeout kills its children too, and with every signal's default action, whatever this JVM ignored (as under
 * {@code nohup}).
 */
public final class CommandRunner {
    private final Path setsid;
    private final Optional<Path> signalReset;
    private final ProcessSignaller signaller;

    /** A runner that kills timed-out commands with its own {@link ProcessSignaller}. */
    public CommandRunner() {
        this(new ProcessSignaller());
    }

    public CommandRunner(ProcessSignaller signaller) {
        this.setsid = Executables.require("setsid");
        this.signalReset = SignalReset.find();
        this.signaller = signaller;
    }

    /**
     * Runs {@code argv} with exactly {@code env}, in {@code cwd}.
     *
     * @param scratchDir where the output files are kept while it runs
     * @throws IOException when it cannot be started
     */
    public CommandResult run(
            List<String> argv, Map<String, String> env, Path cwd, Duration timeout, int outputLimit, Path scratchDir)
            throws IOException {
        return run(argv, Optional.of(env), cwd, timeout, outputLimit, scratchDir);
    }

    /**
     * Runs {@code argv} with this JVM's environment and working directory; its output is kept under
     * {@code java.io.tmpdir} while it runs.
     *
     * @throws IOException when it cannot be started
     */
    public CommandResult run(List<String> argv, Duration timeout, int outputLimit) throws IOException {
        return run(
                argv,
                Optional.empty(),
                Path.of("").toAbsolutePath(),
                timeout,
                outputLimit,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    private CommandResult run(
            List<String> argv,
            Optional<Map<String, String>> env,
            Path cwd,
            Duration timeout,
            int outputLimit,
            Path scratchDir)
            throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty: there is no program to run");
        }
        Files.createDirectories(scratchDir);
        Path out = Files.createTempFile(scratchDir, "command", ".out");
        Path err = Files.createTempFile(scratchDir, "command", ".err");
        try {
            List<String> command = new ArrayList<>();
            command.add(setsid.toString());
            signalReset.ifPresent(reset -> command.addAll(SignalReset.prefix(reset)));
            command.addAll(argv);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            env.ifPresent(exactly -> {
                builder.environment().clear();
                builder.environment().putAll(exactly);
            });
            Process process = builder.start();
            ProcessIdentity group = ProcessIdentity.of(process.pid());
            boolean timedOut = false;
            try {
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    timedOut = true;
                    signaller.killAll(group);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                signaller.killAll(group);
                process.destroyForcibly();
                throw new IOException("interrupted while running " + argv.get(0), e);
            }
            CappedOutput stdout = CappedOutput.read(out, outputLimit);
            CappedOutput stderr = CappedOutput.read(err, outputLimit);
            int exitCode = timedOut ? -1 : process.exitValue();
            return new CommandResult(
                    exitCode, stdout.text(), stderr.text(), timedOut, stdout.truncated() || stderr.truncated());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
