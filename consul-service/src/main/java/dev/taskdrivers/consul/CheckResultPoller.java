package dev.taskdrivers.consul;

import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the results of watched tasks' checks as the agent has them: one thread for every watch of the registry,
 * which reads the agent's checks (one request for all of them) only when a watched check is due (see
 * {@link DueChecks}), and sleeps while nothing is watched. A failed read reports nothing and is logged at debug: the
 * sync loop already reports an absent agent.
 */
final class CheckResultPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckResultPoller.class);

    private final Supplier<Map<String, AgentSnapshot.Check>> read;
    private final ScheduledExecutorService executor;
    private final Object lock = new Object();
    private final DueChecks checks = new DueChecks(); // guarded by lock
    private @Nullable ScheduledFuture<?> scheduled; // guarded by lock
    private @Nullable Instant scheduledAt; // guarded by lock
    private boolean closed; // guarded by lock

    /** @param read reads the agent's checks by ID; throws {@link ConsulUnavailableException} when it cannot */
    CheckResultPoller(Supplier<Map<String, AgentSnapshot.Check>> read) {
        this.read = read;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "consul-check-results");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    /** Reports each result of {@code watched} to {@code listener} until the returned watch is closed. */
    CheckWatch watch(List<DueChecks.Watched> watched, Consumer<CheckStatus> listener) {
        long id;
        synchronized (lock) {
            if (closed) {
                return CheckWatch.NONE;
            }
            id = checks.add(watched, listener, Instant.now());
            scheduleNext(Instant.now());
        }
        return () -> {
            synchronized (lock) {
                checks.remove(id);
            }
        };
    }

    private void poll() {
        List<DueChecks.Delivery> results;
        synchronized (lock) {
            scheduled = null;
            scheduledAt = null;
            if (closed || !checks.anyDue(Instant.now())) {
                scheduleNext(Instant.now());
                return;
            }
        }
        Map<String, AgentSnapshot.Check> agent = null;
        Instant readAt = Instant.now();
        try {
            agent = read.get();
        } catch (ConsulUnavailableException e) {
            LOG.debug("check results not read: {}", e.getMessage());
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            results = checks.report(readAt, agent);
            scheduleNext(Instant.now());
        }
        for (DueChecks.Delivery d : results) {
            try {
                d.deliver();
            } catch (RuntimeException e) {
                LOG.warn("a check result listener failed", e);
            }
        }
    }

    /** Schedules the next read unless one is scheduled as early already. Under the lock. */
    private void scheduleNext(Instant now) {
        Optional<Instant> next = checks.nextRead(now);
        if (next.isEmpty() || closed) {
            return;
        }
        Instant at = next.get();
        ScheduledFuture<?> current = scheduled;
        if (current != null && scheduledAt != null && !scheduledAt.isAfter(at)) {
            return;
        }
        if (current != null) {
            current.cancel(false);
        }
        long delay = Math.max(0, Duration.between(now, at).toMillis());
        scheduled = executor.schedule(this::guardedPoll, delay, TimeUnit.MILLISECONDS);
        scheduledAt = at;
    }

    private void guardedPoll() {
        try {
            poll();
        } catch (RuntimeException e) { // never let one failure end the reports
            LOG.warn("reading check results failed unexpectedly", e);
            synchronized (lock) {
                scheduleNext(Instant.now());
            }
        }
    }

    /** Number of watches open, for tests and diagnostics. */
    int watches() {
        synchronized (lock) {
            return checks.size();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        executor.shutdownNow();
    }
}
