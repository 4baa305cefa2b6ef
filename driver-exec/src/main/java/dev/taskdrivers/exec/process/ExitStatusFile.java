package dev.taskdrivers.exec.process;

import dev.taskdrivers.api.ExitResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the exit file the supervisor writes when a task ends.
 *
 * <p>The supervisor is a POSIX shell, which reports a task killed by signal N as status 128+N. A task that itself
 * calls {@code exit(128+N)} therefore cannot be told apart from one killed by signal N: statuses 129-192 are
 * reported as signals, which is what shells and most tooling do too.
 */
public final class ExitStatusFile {
    private static final int SIGNAL_BASE = 128;
    private static final int MAX_SIGNAL = 64;

    private ExitStatusFile() {
    }

    /** The result in {@code file}, or empty when the task has not ended yet. */
    public static Optional<ExitResult> read(Path file) {
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(ExitResult.failed("cannot read exit status " + file + ": " + e.getMessage()));
        }
    }

    /** Parses {@code status=<n>} or {@code error=<text>}. */
    static ExitResult parse(String content) {
        String text = content.strip();
        if (text.startsWith("status=")) {
            try {
                int status = Integer.parseInt(text.substring("status=".length()));
                if (status > SIGNAL_BASE && status <= SIGNAL_BASE + MAX_SIGNAL) {
                    return ExitResult.signaled(status - SIGNAL_BASE);
                }
                return ExitResult.exited(status);
            } catch (NumberFormatException e) {
                return ExitResult.failed("unreadable exit status '" + text + "'");
            }
        }
        if (text.startsWith("error=")) {
            return ExitResult.failed(text.substring("error=".length()));
        }
        return ExitResult.failed("unreadable exit status '" + text + "'");
    }
}
