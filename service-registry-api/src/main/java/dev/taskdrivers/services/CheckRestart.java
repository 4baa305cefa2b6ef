package dev.taskdrivers.services;

import java.time.Duration;
import java.util.Objects;

/**
 * When a check restarts its task (Nomad's {@code check_restart}): after {@code limit} unhealthy results in a row,
 * counted from {@code grace} after the task started. The restart goes through the task's restart policy as a
 * failure. A limit of 0 never restarts.
 *
 * @param limit the unhealthy results in a row that restart the task; 0 never restarts
 * @param grace how long after the task starts its results do not count
 * @param ignoreWarnings whether a warning counts as healthy
 */
public record CheckRestart(int limit, Duration grace, boolean ignoreWarnings) {
    /** Nomad's grace when none is written. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);

    public CheckRestart {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
    }

    /** Whether a result of {@code health} counts against the limit. */
    public boolean countsAsUnhealthy(CheckHealth health) {
        return switch (health) {
            case PASSING, NOT_SUPPORTED -> false;
            case WARNING -> !ignoreWarnings;
            default -> true;
        };
    }
}
