package dev.taskdrivers.api;

import org.jspecify.annotations.Nullable;

/**
 * How a task ended.
 *
 * @param exitCode the process exit code, or -1 when it was killed by a signal or did not run
 * @param signal the signal number that killed it, or 0
 * @param oomKilled whether it was killed for exceeding its memory limit
 * @param error a driver error that ended the task, or {@code null}
 */
public record ExitResult(int exitCode, int signal, boolean oomKilled, @Nullable String error) {

    public static ExitResult exited(int exitCode) {
        return new ExitResult(exitCode, 0, false, null);
    }

    public static ExitResult signaled(int signal) {
        return new ExitResult(-1, signal, false, null);
    }

    public static ExitResult failed(String error) {
        return new ExitResult(-1, 0, false, error);
    }

    /** Exit code 0, no signal, no OOM, no error. */
    public boolean successful() {
        return exitCode == 0 && signal == 0 && !oomKilled && error == null;
    }
}
