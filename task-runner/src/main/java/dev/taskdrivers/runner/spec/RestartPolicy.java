package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a failed task is restarted: {@link #DEFAULT}, {@link #NEVER}, or built from the default with
 * {@link #builder()}:
 * <pre>{@code
 * RestartPolicy.builder().attempts(5).interval(Duration.ofMinutes(1)).delay(Duration.ofSeconds(2)).build()
 * }</pre>
 * A built policy has no negative attempts, delay or jitter, and an interval longer than 0 when it allows attempts
 * (restarts in a window of no length would never be counted).
 */
public final class RestartPolicy {
    /** Two attempts in 30 minutes, 15 s apart, then fail (Nomad's default for service jobs). */
    public static final RestartPolicy DEFAULT = builder().build();

    /** Never restart. */
    public static final RestartPolicy NEVER =
            builder().attempts(0).delay(Duration.ZERO).build();

    private final int attempts;
    private final Duration interval;
    private final Duration delay;
    private final Mode mode;
    private final Duration jitter;

    private RestartPolicy(Builder b) {
        this.attempts = b.attempts;
        this.interval = b.interval;
        this.delay = b.delay;
        this.mode = b.mode;
        this.jitter = b.jitter != null ? b.jitter : quarterOf(b.delay);
    }

    /**
     * A quarter of {@code delay}, the default jitter: the same as {@code delay.dividedBy(4)} without its
     * {@code BigDecimal} arithmetic, which showed in the cost of recovering thousands of tasks.
     */
    static Duration quarterOf(Duration delay) {
        if (delay.isNegative()) {
            return delay.dividedBy(4);
        }
        long seconds = delay.getSeconds();
        return Duration.ofSeconds(seconds / 4, ((seconds % 4) * 1_000_000_000L + delay.getNano()) / 4);
    }

    /**
     * A policy starting from the default: 2 attempts in 30 minutes, a delay of 15 s, mode {@link Mode#FAIL}, and a
     * jitter of a quarter of the delay unless one is set.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values, to build a changed copy. */
    public Builder toBuilder() {
        return builder()
                .attempts(attempts)
                .interval(interval)
                .delay(delay)
                .mode(mode)
                .jitter(jitter);
    }

    /** How many restarts are allowed within {@link #interval}. */
    public int attempts() {
        return attempts;
    }

    /** The window in which {@link #attempts} are counted. */
    public Duration interval() {
        return interval;
    }

    /** The wait before each restart. */
    public Duration delay() {
        return delay;
    }

    /** What happens when the attempts are used up. */
    public Mode mode() {
        return mode;
    }

    /** The most random extra wait added to {@link #delay}, so many tasks do not restart at once. */
    public Duration jitter() {
        return jitter;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RestartPolicy r
                && attempts == r.attempts
                && interval.equals(r.interval)
                && delay.equals(r.delay)
                && mode == r.mode
                && jitter.equals(r.jitter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(attempts, interval, delay, mode, jitter);
    }

    @Override
    public String toString() {
        return "RestartPolicy[attempts=" + attempts + ", interval=" + interval + ", delay=" + delay + ", mode=" + mode
                + ", jitter=" + jitter + "]";
    }

    /** What to do when the attempts within the interval are used up. */
    public enum Mode {
        /** Wait until the interval is over, then start counting again. */
        DELAY,
        /** Give up: the task fails. */
        FAIL
    }

    /** Collects a policy's values; {@link #build} refuses the ones no policy may have, naming their fields. */
    public static final class Builder {
        private int attempts = 2;
        private Duration interval = Duration.ofMinutes(30);
        private Duration delay = Duration.ofSeconds(15);
        private Mode mode = Mode.FAIL;
        /** A quarter of the delay unless set. */
        private @Nullable Duration jitter;

        private Builder() {}

        public Builder attempts(int value) {
            this.attempts = value;
            return this;
        }

        public Builder interval(Duration value) {
            this.interval = Objects.requireNonNull(value, "interval");
            return this;
        }

        public Builder delay(Duration value) {
            this.delay = Objects.requireNonNull(value, "delay");
            return this;
        }

        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** The most random extra wait; a quarter of the delay unless set. */
        public Builder jitter(Duration value) {
            this.jitter = Objects.requireNonNull(value, "jitter");
            return this;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (attempts < 0) {
                problems.add(new ValidationProblem("attempts", "must not be negative, got " + attempts));
            }
            if (interval.isNegative() || interval.isZero() && attempts > 0) {
                problems.add(new ValidationProblem(
                        "interval",
                        "must be longer than 0 when attempts is more than" + " 0, or restarts would never be counted"));
            }
            if (delay.isNegative()) {
                problems.add(new ValidationProblem("delay", "must not be negative"));
            }
            if (jitter != null && jitter.isNegative()) {
                problems.add(new ValidationProblem("jitter", "must not be negative"));
            }
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public RestartPolicy build() {
            ValidationException.throwIfAny(problems());
            return new RestartPolicy(this);
        }
    }
}
