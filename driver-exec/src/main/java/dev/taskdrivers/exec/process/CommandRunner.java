package dev.taskdrivers.exec.process;

import dev.taskdrivers.api.ExecResult;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command (a script check, an exec into a task) with a timeout and capped output. Output goes to
 * temporary files rather than pipes, so no thread is needed to drain it; the command runs in its own process group
 * so a timeout kills its children too, and with every signal's default action, whatever this JVM ignored (as under
 * {@code nohup}).
 */
public final class CommandRunner {
    private final Path setsid;
    private final Optional<Path> signalReset;
    private final ProcessSignaller signaller;

    public CommandRunner(ProcessSignaller signaller) {
        this.setsid = Executables.require("setsid");
        this.signalReset = SignalReset.find();
        this.signaller = signaller;
    }

    /**
     * Runs {@code argv} (after {@code prefix}, e.g. an isolation wrapper) with exactly {@code env}, in {@code cwd}.
     *
     * @param scratchDir where the output files are kept while it runs
     * @throws IOException when it cannot be started
     */
    public ExecResult run(List<String> prefix, List<String> argv, Map<String, String> env, Path cwd,
            Duration timeout, int outputLimit, Path scratchDir) throws IOException {
        Files.createDirectories(scratchDir);
        Path out = Files.createTempFile(scratchDir, "exec", ".out");
        Path err = Files.createTempFile(scratchDir, "exec", ".err");
        try {
            List<String> command = new ArrayList<>();
            command.add(setsid.toString());
            signalReset.ifPresent(reset -> command.addAll(List.of(reset.toString(), "--default-signal")));
            command.addAll(prefix);
            command.addAll(argv);
            ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            ProcessIdentity group = ProcessIdentity.of((int) process.pid());
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
            Capped stdout = read(out, outputLimit);
            Capped stderr = read(err, outputLimit);
            int exitCode = timedOut ? -1 : process.exitValue();
            return ExecResult.builder().exitCode(exitCode).stdout(stdout.text).stderr(stderr.text).timedOut(timedOut)
                    .truncated(stdout.truncated || stderr.truncated).build();
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Capped read(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(limit);
            boolean more = in.read() >= 0;
            return new Capped(new String(bytes, StandardCharsets.UTF_8), more);
        }
    }

    private record Capped(String text, boolean truncated) {
    }
}
