package dev.taskdrivers.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A resource usage sample of a task. Built through {@link #builder()} or {@link #nothingUsed()}; new measures are
 * added as builder methods defaulting to 0, so drivers written against an older version keep compiling.
 */
public final class TaskStats {
    private final Instant timestamp;
    private final long memoryRssBytes;
    private final long cpuTotalNanos;
    private final double cpuPercent;
    private final long throttledPeriods;
    private final long memoryCacheBytes;
    private final long memorySwapBytes;

    private TaskStats(Builder b, Instant timestamp) {
        this.timestamp = timestamp;
        this.memoryRssBytes = b.memoryRssBytes;
        this.cpuTotalNanos = b.cpuTotalNanos;
        this.cpuPercent = b.cpuPercent;
        this.throttledPeriods = b.throttledPeriods;
        this.memoryCacheBytes = b.memoryCacheBytes;
        this.memorySwapBytes = b.memorySwapBytes;
    }

    /**
     * A sample taken now of a task that uses nothing, e.g. one that has not started or has ended.
     *
     * @return a sample with every measure 0
     */
    public static TaskStats nothingUsed() {
        return builder().build();
    }

    /**
     * A builder with every measure 0 and the timestamp taken when {@link Builder#build()} runs.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this sample's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .timestamp(timestamp)
                .memoryRssBytes(memoryRssBytes)
                .cpuTotalNanos(cpuTotalNanos)
                .cpuPercent(cpuPercent)
                .throttledPeriods(throttledPeriods)
                .memoryCacheBytes(memoryCacheBytes)
                .memorySwapBytes(memorySwapBytes);
    }

    /**
     * When the sample was taken.
     *
     * @return the time, never {@code null}
     */
    public Instant timestamp() {
        return timestamp;
    }

    /**
     * Resident memory.
     *
     * @return bytes, 0 or more
     */
    public long memoryRssBytes() {
        return memoryRssBytes;
    }

    /**
     * CPU time used since start, user plus system.
     *
     * @return nanoseconds, 0 or more
     */
    public long cpuTotalNanos() {
        return cpuTotalNanos;
    }

    /**
     * CPU use since the previous sample, 100 per core.
     *
     * @return percent, 0 on the first sample
     */
    public double cpuPercent() {
        return cpuPercent;
    }

    /**
     * CPU periods throttled by the limit.
     *
     * @return the count when the driver knows it, else 0
     */
    public long throttledPeriods() {
        return throttledPeriods;
    }

    /**
     * Page cache charged to the task (files it read or wrote).
     *
     * @return bytes when the driver knows it (from the task's cgroup or container), else 0
     */
    public long memoryCacheBytes() {
        return memoryCacheBytes;
    }

    /**
     * Swap used by the task.
     *
     * @return bytes when the driver knows it (from the task's cgroup or container), else 0
     */
    public long memorySwapBytes() {
        return memorySwapBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskStats other
                && timestamp.equals(other.timestamp)
                && memoryRssBytes == other.memoryRssBytes
                && cpuTotalNanos == other.cpuTotalNanos
                && Double.compare(cpuPercent, other.cpuPercent) == 0
                && throttledPeriods == other.throttledPeriods
                && memoryCacheBytes == other.memoryCacheBytes
                && memorySwapBytes == other.memorySwapBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                timestamp,
                memoryRssBytes,
                cpuTotalNanos,
                cpuPercent,
                throttledPeriods,
                memoryCacheBytes,
                memorySwapBytes);
    }

    @Override
    public String toString() {
        return "TaskStats[timestamp=" + timestamp + ", memoryRssBytes=" + memoryRssBytes + ", cpuTotalNanos="
                + cpuTotalNanos + ", cpuPercent=" + cpuPercent + ", throttledPeriods=" + throttledPeriods
                + ", memoryCacheBytes=" + memoryCacheBytes + ", memorySwapBytes=" + memorySwapBytes + "]";
    }

    /** Builds {@link TaskStats}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable Instant timestamp;
        private long memoryRssBytes;
        private long cpuTotalNanos;
        private double cpuPercent;
        private long throttledPeriods;
        private long memoryCacheBytes;
        private long memorySwapBytes;

        private Builder() {}

        /**
         * Sets when the sample was taken; the time of {@link #build()} by default.
         *
         * @param timestamp the time, not {@code null}
         * @return this builder
         */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /**
         * Sets the resident memory; 0 by default.
         *
         * @param memoryRssBytes bytes, 0 or more
         * @return this builder
         */
        public Builder memoryRssBytes(long memoryRssBytes) {
            this.memoryRssBytes = memoryRssBytes;
            return this;
        }

        /**
         * Sets the CPU time used since start, user plus system; 0 by default.
         *
         * @param cpuTotalNanos nanoseconds, 0 or more
         * @return this builder
         */
        public Builder cpuTotalNanos(long cpuTotalNanos) {
            this.cpuTotalNanos = cpuTotalNanos;
            return this;
        }

        /**
         * Sets the CPU use since the previous sample, 100 per core; 0 by default.
         *
         * @param cpuPercent a finite percentage, 0 or more
         * @return this builder
         */
        public Builder cpuPercent(double cpuPercent) {
            this.cpuPercent = cpuPercent;
            return this;
        }

        /**
         * Sets the CPU periods throttled by the limit; 0 by default.
         *
         * @param throttledPeriods the count, 0 or more
         * @return this builder
         */
        public Builder throttledPeriods(long throttledPeriods) {
            this.throttledPeriods = throttledPeriods;
            return this;
        }

        /**
         * Sets the page cache charged to the task; 0 by default.
         *
         * @param memoryCacheBytes bytes, 0 or more
         * @return this builder
         */
        public Builder memoryCacheBytes(long memoryCacheBytes) {
            this.memoryCacheBytes = memoryCacheBytes;
            return this;
        }

        /**
         * Sets the swap used by the task; 0 by default.
         *
         * @param memorySwapBytes bytes, 0 or more
         * @return this builder
         */
        public Builder memorySwapBytes(long memorySwapBytes) {
            this.memorySwapBytes = memorySwapBytes;
            return this;
        }

        /**
         * The sample.
         *
         * @return new {@link TaskStats}
         * @throws IllegalArgumentException naming every negative measure and a CPU percentage that is not finite
         */
        public TaskStats build() {
            new Invariants("TaskStats")
                    .check(memoryRssBytes >= 0, "memoryRssBytes", "must be 0 or more, was " + memoryRssBytes)
                    .check(cpuTotalNanos >= 0, "cpuTotalNanos", "must be 0 or more, was " + cpuTotalNanos)
                    .check(
                            Double.isFinite(cpuPercent) && cpuPercent >= 0,
                            "cpuPercent",
                            "must be a finite number, 0 or more, was " + cpuPercent)
                    .check(throttledPeriods >= 0, "throttledPeriods", "must be 0 or more, was " + throttledPeriods)
                    .check(memoryCacheBytes >= 0, "memoryCacheBytes", "must be 0 or more, was " + memoryCacheBytes)
                    .check(memorySwapBytes >= 0, "memorySwapBytes", "must be 0 or more, was " + memorySwapBytes)
                    .throwIfAny();
            return new TaskStats(this, timestamp != null ? timestamp : Instant.now());
        }
    }
}
