package dev.taskdrivers.runner.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failed task is restarted.
 *
 * @param attempts how many restarts are allowed within {@code interval}
 * @param interval the window in which {@code attempts} are counted
 * @param delay the wait before each restart
 * @param mode what happens when the attempts are used up
 * @param jitter the most random extra wait added to {@code delay}, so many tasks do not restart at once
 */
public record RestartPolicy(int attempts, Duration interval, Duration delay, Mode mode, Duration jitter) {
    /** Two attempts in 30 minutes, 15 s apart, then fail (Nomad's default for service jobs). */
    public static final RestartPolicy DEFAULT =
            new RestartPolicy(2, Duration.ofMinutes(30), Duration.ofSeconds(15), Mode.FAIL, Duration.ofMillis(3750));

    /** Never restart. */
    public static final RestartPolicy NEVER =
            new RestartPolicy(0, Duration.ofMinutes(30), Duration.ZERO, Mode.FAIL, Duration.ZERO);

    public RestartPolicy {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(jitter, "jitter");
    }

    /** What to do when the attempts within the interval are used up. */
    public enum Mode {
        /** Wait until the interval is over, then start counting again. */
        DELAY,
        /** Give up: the task fails. */
        FAIL
    }
}
