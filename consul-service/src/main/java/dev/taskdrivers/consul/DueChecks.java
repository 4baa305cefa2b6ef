package dev.taskdrivers.consul;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * When each watched check's next result is due, and the results a read of the agent's checks gives: each check once
 * per interval (never more often than the agent runs it: at least {@link #MIN_INTERVAL}), at a cadence kept from its
 * first result, with the checks due within {@link #SLACK} of a read taken by that read. Not thread-safe: the poller
 * holds its lock.
 */
final class DueChecks {
    /** Consul runs no check more often than once a second. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** A check due this soon after a read is reported by that read: reads are never closer together than this. */
    static final Duration SLACK = Duration.ofMillis(250);

    /**
     * One watched check.
     *
     * @param checkId its ID in the agent
     * @param task the task whose service it checks
     * @param service the service name
     * @param check the check name
     * @param type its kind
     * @param interval how often the agent runs it
     */
    record Watched(String checkId, TaskId task, String service, String check, CheckType type, Duration interval) {
        Watched {
            Objects.requireNonNull(checkId, "checkId");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(type, "type");
            interval = interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
        }
    }

    /** A result to hand to a listener, outside the poller's lock. */
    record Delivery(Consumer<CheckStatus> listener, CheckStatus result) {
        void deliver() {
            listener.accept(result);
        }
    }

    private final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
    private long nextId;

    /** Watches {@code checks}, each first due one interval after {@code now}; returns the key to remove them. */
    long add(List<Watched> checks, Consumer<CheckStatus> listener, Instant now) {
        List<Due> due = new ArrayList<>();
        for (Watched w : checks) {
            due.add(new Due(w, now.plus(w.interval())));
        }
        long id = nextId++;
        subscriptions.put(id, new Subscription(listener, due));
        return id;
    }

    void remove(long id) {
        subscriptions.remove(id);
    }

    /** How many watches are open. */
    int size() {
        return subscriptions.size();
    }

    /** When the agent should be read next, at least {@link #SLACK} after {@code now}; empty when nothing is watched. */
    Optional<Instant> nextRead(Instant now) {
        Instant earliest = null;
        for (Subscription s : subscriptions.values()) {
            for (Due d : s.checks) {
                if (earliest == null || d.at.isBefore(earliest)) {
                    earliest = d.at;
                }
            }
        }
        if (earliest == null) {
            return Optional.empty();
        }
        Instant soonest = now.plus(SLACK);
        return Optional.of(earliest.isBefore(soonest) ? soonest : earliest);
    }

    /** Whether a check is due at {@code now} (within the slack): whether a read is worth making. */
    boolean anyDue(Instant now) {
        Instant limit = now.plus(SLACK);
        return subscriptions.values().stream().flatMap(s -> s.checks.stream()).anyMatch(d -> !d.at.isAfter(limit));
    }

    /**
     * The results of the checks due at {@code now}, from {@code agent} (check ID to check, as read at {@code now};
     * {@code null} when the read failed), and each one's next due time. A due check the agent does not have, or
     * whose status is none of Consul's three, gives no result this time.
     */
    List<Delivery> report(Instant now, @Nullable Map<String, AgentSnapshot.Check> agent) {
        Instant limit = now.plus(SLACK);
        List<Delivery> out = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            for (Due d : s.checks) {
                if (d.at.isAfter(limit)) {
                    continue;
                }
                Instant next = d.at.plus(d.watched.interval());
                d.at = next.isAfter(now) ? next : now.plus(d.watched.interval());
                AgentSnapshot.Check found = agent == null ? null : agent.get(d.watched.checkId());
                if (found == null) {
                    continue;
                }
                Optional<CheckHealth> health = health(found.status());
                if (health.isPresent()) {
                    Watched w = d.watched;
                    out.add(new Delivery(
                            s.listener,
                            new CheckStatus(
                                    w.task(), w.service(), w.check(), w.type(), health.get(), found.output(), now)));
                }
            }
        }
        return out;
    }

    private static Optional<CheckHealth> health(String consulStatus) {
        return switch (consulStatus) {
            case "passing" -> Optional.of(CheckHealth.PASSING);
            case "warning" -> Optional.of(CheckHealth.WARNING);
            case "critical" -> Optional.of(CheckHealth.CRITICAL);
            default -> Optional.empty();
        };
    }

    private record Subscription(Consumer<CheckStatus> listener, List<Due> checks) {}

    /** A check and when its next result is due. */
    private static final class Due {
        final Watched watched;
        Instant at;

        Due(Watched watched, Instant at) {
            this.watched = watched;
            this.at = at;
        }
    }
}
