package dev.taskdrivers.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a driver's task handles support. Built through {@link #builder()}; new capabilities are added as builder
 * methods whose default is "not supported", so drivers written against an older version keep compiling.
 */
public final class Capabilities {
    private final boolean signals;
    private final boolean exec;
    private final FsIsolation fsIsolation;

    private Capabilities(Builder b) {
        this.signals = b.signals;
        this.exec = b.exec;
        this.fsIsolation = Objects.requireNonNull(b.fsIsolation);
    }

    /**
     * A builder with nothing supported; {@link Builder#fsIsolation} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these capabilities, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().signals(signals).exec(exec).fsIsolation(fsIsolation);
    }

    /**
     * Whether {@link TaskHandle#signal} works.
     *
     * @return {@code true} when handles accept signals
     */
    public boolean signals() {
        return signals;
    }

    /**
     * Whether {@link TaskHandle#exec} works.
     *
     * @return {@code true} when commands can run inside tasks
     */
    public boolean exec() {
        return exec;
    }

    /**
     * How the task's filesystem is isolated.
     *
     * @return the isolation, never {@code null}
     */
    public FsIsolation fsIsolation() {
        return fsIsolation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities other
                && signals == other.signals
                && exec == other.exec
                && fsIsolation == other.fsIsolation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(signals, exec, fsIsolation);
    }

    @Override
    public String toString() {
        return "Capabilities[signals=" + signals + ", exec=" + exec + ", fsIsolation=" + fsIsolation + "]";
    }

    /** How a task's filesystem is separated from the host's. */
    public enum FsIsolation {
        /** The task sees the host filesystem. */
        NONE,
        /** The task runs in a chroot. */
        CHROOT,
        /** The task runs in its own image (container or VM). */
        IMAGE
    }

    /** Builds {@link Capabilities}; everything not set is unsupported. */
    public static final class Builder {
        private boolean signals;
        private boolean exec;
        private @Nullable FsIsolation fsIsolation;

        private Builder() {}

        /**
         * Sets whether {@link TaskHandle#signal} works; {@code false} by default.
         *
         * @param signals whether handles accept signals
         * @return this builder
         */
        public Builder signals(boolean signals) {
            this.signals = signals;
            return this;
        }

        /**
         * Sets whether {@link TaskHandle#exec} works; {@code false} by default.
         *
         * @param exec whether commands can run inside tasks
         * @return this builder
         */
        public Builder exec(boolean exec) {
            this.exec = exec;
            return this;
        }

        /**
         * Sets how the task's filesystem is isolated (required).
         *
         * @param fsIsolation the isolation
         * @return this builder
         */
        public Builder fsIsolation(FsIsolation fsIsolation) {
            this.fsIsolation = fsIsolation;
            return this;
        }

        /**
         * The capabilities.
         *
         * @return new {@link Capabilities}
         * @throws IllegalArgumentException when {@code fsIsolation} is missing
         */
        public Capabilities build() {
            new Invariants("Capabilities").required(fsIsolation, "fsIsolation").throwIfAny();
            return new Capabilities(this);
        }
    }
}
