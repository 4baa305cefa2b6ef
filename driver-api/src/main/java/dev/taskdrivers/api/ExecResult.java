package dev.taskdrivers.api;

/**
 * The outcome of a command run inside a task.
 *
 * @param exitCode the command's exit code (-1 when it timed out or was killed)
 * @param stdout its standard output, cut at the request's limit
 * @param stderr its standard error, cut at the request's limit
 * @param timedOut whether it was killed for running past its timeout
 * @param truncated whether either stream was cut
 */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated) {
}
