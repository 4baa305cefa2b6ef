package dev.taskdrivers.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command to run inside a running task.
 *
 * @param argv the program and its arguments; never passed through a shell
 * @param timeout how long it may run before it is killed
 * @param outputLimitBytes how many bytes of stdout and of stderr are kept each; the rest is dropped
 */
public record ExecRequest(List<String> argv, Duration timeout, int outputLimitBytes) {
    public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;

    public ExecRequest {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (outputLimitBytes < 0) {
            throw new IllegalArgumentException("outputLimitBytes must not be negative");
        }
    }

    public static ExecRequest of(List<String> argv, Duration timeout) {
        return new ExecRequest(argv, timeout, DEFAULT_OUTPUT_LIMIT);
    }
}
