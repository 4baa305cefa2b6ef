package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.spec.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a failed task restarts: at most {@code attempts} restarts within {@code interval}; when they are
 * used up, mode {@code fail} gives up and mode {@code delay} waits for the interval to end and starts counting again.
 * Not thread-safe: the task's supervisor serializes calls.
 */
final class RestartTracker {
    private final RestartPolicy policy;
    /** When the current window began; null before the first failure. */
    private @Nullable Instant windowStart;

    private int count;

    RestartTracker(RestartPolicy policy, @Nullable Instant windowStart, int count) {
        this.policy = policy;
        this.windowStart = windowStart;
        this.count = count;
    }

    /** The decision after a failure at {@code now}. */
    Decision onFailure(Instant now) {
        if (windowStart == null || !now.isBefore(windowStart.plus(policy.interval()))) {
            windowStart = now;
            count = 0;
        }
        if (count < policy.attempts()) {
            count++;
            Duration delay = policy.delay().plus(jitter());
            return new Decision(true, delay, "Task restarting in " + format(delay));
        }
        if (policy.mode() == RestartPolicy.Mode.FAIL) {
            return new Decision(
                    false,
                    Duration.ZERO,
                    "Exceeded allowed attempts " + policy.attempts() + " in interval " + format(policy.interval())
                            + " and mode is \"fail\"");
        }
        Duration untilWindowEnds = Duration.between(now, windowStart.plus(policy.interval()));
        Duration delay = untilWindowEnds.plus(jitter());
        return new Decision(
                true,
                delay,
                "Exceeded allowed attempts " + policy.attempts() + " in interval " + format(policy.interval())
                        + " and mode is \"delay\": restarting in " + format(delay));
    }

    @Nullable
    Instant windowStart() {
        return windowStart;
    }

    int count() {
        return count;
    }

    private Duration jitter() {
        long max = policy.jitter().toMillis();
        return max <= 0
                ? Duration.ZERO
                : Duration.ofMillis(ThreadLocalRandom.current().nextLong(max + 1));
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.3gs", ms / 1000.0);
        }
        return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }

    /**
     * @param restart whether to restart
     * @param delay how long to wait first
     * @param message why, for the event
     */
    record Decision(boolean restart, Duration delay, String message) {}
}
