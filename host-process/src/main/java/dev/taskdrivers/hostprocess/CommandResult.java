package dev.taskdrivers.hostprocess;

import dev.taskdrivers.api.ExecResult;

/**
 * What a short command did.
 *
 * @param exitCode its exit code, -1 when it timed out
 * @param stdout its standard output, cut at the limit
 * @param stderr its standard error, cut at the limit
 * @param timedOut whether it was killed for running too long
 * @param truncated whether output was cut
 */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated) {

    /** Whether it finished in time with exit code 0. */
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** stderr, or stdout when stderr is blank: what to show a user when the command failed. */
    public String message() {
        String text = stderr.isBlank() ? stdout : stderr;
        return text.strip();
    }

    /** This result as a driver reports a command run inside a task from {@code TaskHandle.exec}. */
    public ExecResult toExecResult() {
        return ExecResult.builder()
                .exitCode(exitCode)
                .stdout(stdout)
                .stderr(stderr)
                .timedOut(timedOut)
                .truncated(truncated)
                .build();
    }
}
