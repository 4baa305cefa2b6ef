package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ExitResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the exit file the supervisor writes when a task ends.
 *
 * <p>The fork server ({@code forkserver.pl}) writes the precise outcome: {@code exited <code>} or
 * {@code signaled <signal>} (with {@code core} after it when the task dumped core).
 *
 * <p>The shell supervisor writes {@code status=<n>}: a POSIX shell reports a task killed by signal N as status
 * 128+N, so a task that itself calls {@code exit(128+N)} cannot be told apart from one killed by signal N, and
 * statuses 129-192 are reported as signals, which is what shells and most tooling do too.
 */
public final class ExitStatusFile {
    private static final int SIGNAL_BASE = 128;
    private static final int MAX_SIGNAL = 64;
    private static final String EXITED = "exited ";
    private static final String SIGNALED = "signaled ";

    private ExitStatusFile() {}

    /** Longer than the fork server's reaping backstop (a quarter second) and a shell supervisor's last steps. */
    private static final Duration RECORD_GRACE = Duration.ofSeconds(1);

    /**
     * Waits a little for the exit status of a task that has just ended, which its supervisor is recording; whether
     * it is there. The file appears whole (it is renamed into place).
     */
    public static boolean awaitRecorded(Path file) {
        long deadline = System.nanoTime() + RECORD_GRACE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return Files.exists(file);
    }

    /** The result in {@code file}, or empty when the task has not ended yet. */
    public static Optional<ExitResult> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty(); // the common case of a running task: no exception made for it
        }
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(ExitResult.failed("cannot read exit status " + file + ": " + e.getMessage()));
        }
    }

    /** Parses {@code exited <n>}, {@code signaled <n>[ core]}, {@code status=<n>} or {@code error=<text>}. */
    static ExitResult parse(String content) {
        String text = content.strip();
        if (text.startsWith(EXITED) || text.startsWith(SIGNALED)) {
            return parsePrecise(text);
        }
        if (text.startsWith("status=")) {
            try {
                int status = Integer.parseInt(text.substring("status=".length()));
                if (status > SIGNAL_BASE && status <= SIGNAL_BASE + MAX_SIGNAL) {
                    return ExitResult.signaled(status - SIGNAL_BASE);
                }
                if (status >= 0) {
                    return ExitResult.exited(status);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (text.startsWith("error=") && !text.substring("error=".length()).isBlank()) {
            return ExitResult.failed(text.substring("error=".length()));
        }
        return ExitResult.failed("unreadable exit status '" + text + "'");
    }

    private static ExitResult parsePrecise(String text) {
        boolean exited = text.startsWith(EXITED);
        String[] words = text.substring((exited ? EXITED : SIGNALED).length()).split(" ");
        try {
            int value = Integer.parseInt(words[0]);
            if (exited && value >= 0 && value <= 255 && words.length == 1) {
                return ExitResult.exited(value);
            }
            if (!exited
                    && value > 0
                    && value <= MAX_SIGNAL
                    && (words.length == 1 || words.length == 2 && words[1].equals("core"))) {
                return ExitResult.signaled(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return ExitResult.failed("unreadable exit status '" + text + "'");
    }
}
