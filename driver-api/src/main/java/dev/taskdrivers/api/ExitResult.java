package dev.taskdrivers.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a task ended. Built through {@link #exited}, {@link #signaled}, {@link #failed} or {@link #builder()}; new
 * facts are added as builder methods, so drivers written against an older version keep compiling.
 */
public final class ExitResult {
    private final int exitCode;
    private final int signal;
    private final boolean oomKilled;
    private final @Nullable String error;

    private ExitResult(Builder b) {
        this.exitCode = b.exitCode;
        this.signal = b.signal;
        this.oomKilled = b.oomKilled;
        this.error = b.error;
    }

    /**
     * A task that exited by itself.
     *
     * @param exitCode its exit code, 0 or more
     * @return the result
     */
    public static ExitResult exited(int exitCode) {
        return builder().exitCode(exitCode).build();
    }

    /**
     * A task killed by a signal; its exit code is -1.
     *
     * @param signal the signal number, e.g. 9 for {@code SIGKILL}
     * @return the result
     */
    public static ExitResult signaled(int signal) {
        return builder().exitCode(-1).signal(signal).build();
    }

    /**
     * A task that did not run to an exit because of a driver error; its exit code is -1.
     *
     * @param error what went wrong, in words an operator understands
     * @return the result
     */
    public static ExitResult failed(String error) {
        return builder().exitCode(-1).error(error).build();
    }

    /**
     * A builder with nothing set; {@link Builder#exitCode} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this result's values, to derive a changed copy, e.g. the same exit marked as OOM-killed.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .exitCode(exitCode)
                .signal(signal)
                .oomKilled(oomKilled)
                .error(error);
    }

    /**
     * The process exit code.
     *
     * @return the exit code, or -1 when it was killed by a signal or did not run
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The signal that killed the task.
     *
     * @return the signal number, or 0
     */
    public int signal() {
        return signal;
    }

    /**
     * Whether the task was killed for exceeding its memory limit.
     *
     * @return {@code true} when it was OOM-killed
     */
    public boolean oomKilled() {
        return oomKilled;
    }

    /**
     * A driver error that ended the task.
     *
     * @return the error, or {@code null} when there was none
     */
    public @Nullable String error() {
        return error;
    }

    /**
     * Whether the task ended well.
     *
     * @return {@code true} for exit code 0, no signal, no OOM kill and no error
     */
    public boolean successful() {
        return exitCode == 0 && signal == 0 && !oomKilled && error == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitResult other
                && exitCode == other.exitCode
                && signal == other.signal
                && oomKilled == other.oomKilled
                && Objects.equals(error, other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exitCode, signal, oomKilled, error);
    }

    @Override
    public String toString() {
        return "ExitResult[exitCode=" + exitCode + ", signal=" + signal + ", oomKilled=" + oomKilled
                + (error == null ? "" : ", error=" + error) + "]";
    }

    /** Builds an {@link ExitResult}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable Integer exitCodeSet;
        private int exitCode;
        private int signal;
        private boolean oomKilled;
        private @Nullable String error;

        private Builder() {}

        /**
         * Sets the exit code (required).
         *
         * @param exitCode 0 or more, or -1 when the task was killed by a signal or did not run
         * @return this builder
         */
        public Builder exitCode(int exitCode) {
            this.exitCodeSet = exitCode;
            this.exitCode = exitCode;
            return this;
        }

        /**
         * Sets the signal that killed the task; 0 (the default) for none.
         *
         * @param signal the signal number, 0 or more
         * @return this builder
         */
        public Builder signal(int signal) {
            this.signal = signal;
            return this;
        }

        /**
         * Sets whether the task was killed for exceeding its memory limit; {@code false} by default.
         *
         * @param oomKilled whether it was OOM-killed
         * @return this builder
         */
        public Builder oomKilled(boolean oomKilled) {
            this.oomKilled = oomKilled;
            return this;
        }

        /**
         * Sets the driver error that ended the task; {@code null} (the default) for none.
         *
         * @param error a non-blank description, or {@code null}
         * @return this builder
         */
        public Builder error(@Nullable String error) {
            this.error = error;
            return this;
        }

        /**
         * The result.
         *
         * @return a new {@link ExitResult}
         * @throws IllegalArgumentException naming every broken invariant: the exit code is missing or below -1,
         *         the signal is negative, or the error is blank
         */
        public ExitResult build() {
            new Invariants("ExitResult")
                    .check(exitCodeSet != null, "exitCode", "is required (-1 when the task was killed or did not run)")
                    .check(exitCode >= -1, "exitCode", "must be -1 or more, was " + exitCode)
                    .check(signal >= 0, "signal", "must be 0 or more, was " + signal)
                    .check(error == null || !error.isBlank(), "error", "must not be blank; leave it null for none")
                    .throwIfAny();
            return new ExitResult(this);
        }
    }
}
