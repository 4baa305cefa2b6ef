package dev.taskdrivers.api;

import java.util.Objects;

/**
 * The outcome of a command run inside a task. Built through {@link #completed}, {@link #timedOut(String, String)} or
 * {@link #builder()}; new facts are added as builder methods, so drivers written against an older version keep
 * compiling. Its {@code toString()} gives the sizes of the outputs, never their text, which may hold secrets.
 */
public final class ExecResult {
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final boolean timedOut;
    private final boolean truncated;

    private ExecResult(Builder b) {
        this.exitCode = b.exitCode;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.timedOut = b.timedOut;
        this.truncated = b.truncated;
    }

    /**
     * A command that ran to its exit, with its whole output.
     *
     * @param exitCode its exit code, 0 or more
     * @param stdout its standard output
     * @param stderr its standard error
     * @return the result
     */
    public static ExecResult completed(int exitCode, String stdout, String stderr) {
        return builder().exitCode(exitCode).stdout(stdout).stderr(stderr).build();
    }

    /**
     * A command killed for running past its timeout; its exit code is -1.
     *
     * @param stdout what it wrote to standard output until then
     * @param stderr what it wrote to standard error until then
     * @return the result
     */
    public static ExecResult timedOut(String stdout, String stderr) {
        return builder()
                .exitCode(-1)
                .timedOut(true)
                .stdout(stdout)
                .stderr(stderr)
                .build();
    }

    /**
     * A builder with empty outputs; {@link Builder#exitCode} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this result's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .exitCode(exitCode)
                .stdout(stdout)
                .stderr(stderr)
                .timedOut(timedOut)
                .truncated(truncated);
    }

    /**
     * The command's exit code.
     *
     * @return the exit code, or -1 when it timed out or was killed
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Its standard output, cut at the request's limit.
     *
     * @return the output, never {@code null}
     */
    public String stdout() {
        return stdout;
    }

    /**
     * Its standard error, cut at the request's limit.
     *
     * @return the output, never {@code null}
     */
    public String stderr() {
        return stderr;
    }

    /**
     * Whether it was killed for running past its timeout.
     *
     * @return {@code true} when it timed out
     */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * Whether either stream was cut at the request's limit.
     *
     * @return {@code true} when output is missing
     */
    public boolean truncated() {
        return truncated;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecResult other
                && exitCode == other.exitCode
                && stdout.equals(other.stdout)
                && stderr.equals(other.stderr)
                && timedOut == other.timedOut
                && truncated == other.truncated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(exitCode, stdout, stderr, timedOut, truncated);
    }

    /** The sizes of stdout and stderr, not their text: a command's output may contain secrets. */
    @Override
    public String toString() {
        return "ExecResult[exitCode=" + exitCode + ", stdout=" + stdout.length() + " chars, stderr=" + stderr.length()
                + " chars, timedOut=" + timedOut + ", truncated=" + truncated + "]";
    }

    /** Builds an {@link ExecResult}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private boolean exitCodeSet;
        private int exitCode;
        private String stdout = "";
        private String stderr = "";
        private boolean timedOut;
        private boolean truncated;

        private Builder() {}

        /**
         * Sets the exit code (required).
         *
         * @param exitCode 0 or more, or -1 when the command timed out or was killed
         * @return this builder
         */
        public Builder exitCode(int exitCode) {
            this.exitCodeSet = true;
            this.exitCode = exitCode;
            return this;
        }

        /**
         * Sets the standard output; empty by default.
         *
         * @param stdout the output, not {@code null}
         * @return this builder
         */
        public Builder stdout(String stdout) {
            this.stdout = stdout;
            return this;
        }

        /**
         * Sets the standard error; empty by default.
         *
         * @param stderr the output, not {@code null}
         * @return this builder
         */
        public Builder stderr(String stderr) {
            this.stderr = stderr;
            return this;
        }

        /**
         * Sets whether the command was killed for running past its timeout; {@code false} by default.
         *
         * @param timedOut whether it timed out
         * @return this builder
         */
        public Builder timedOut(boolean timedOut) {
            this.timedOut = timedOut;
            return this;
        }

        /**
         * Sets whether either stream was cut at the request's limit; {@code false} by default.
         *
         * @param truncated whether output is missing
         * @return this builder
         */
        public Builder truncated(boolean truncated) {
            this.truncated = truncated;
            return this;
        }

        /**
         * The result.
         *
         * @return a new {@link ExecResult}
         * @throws IllegalArgumentException naming every broken invariant: the exit code is missing or below -1, a
         *         timed out command has an exit code other than -1, an output is {@code null}
         */
        public ExecResult build() {
            new Invariants("ExecResult")
                    .check(exitCodeSet, "exitCode", "is required (-1 when the command timed out or was killed)")
                    .check(exitCode >= -1, "exitCode", "must be -1 or more, was " + exitCode)
                    .check(
                            !timedOut || exitCode == -1,
                            "exitCode",
                            "must be -1 when the command timed out, was " + exitCode)
                    .required(stdout, "stdout")
                    .required(stderr, "stderr")
                    .throwIfAny();
            return new ExecResult(this);
        }
    }
}
