package dev.taskdrivers.consul;

import dev.taskdrivers.consul.internal.ServiceIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the agent about registrations. Callers queue operations and return at once; the loop
 * merges every queued operation into the wanted state, reads the agent once (services and checks), writes only what
 * is missing, changed or no longer wanted, and repeats every resync interval to repair drift. While the agent fails
 * it retries after 1 s, 2 s, 3 s ... up to the backoff cap; operations are merged into the wanted state before any
 * call, so none is lost.
 */
final class SyncLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);

    /** Something a caller asked for. */
    sealed interface Operation {}

    /** Sets the services of an owner (a task or the agent), replacing what it had. */
    record Put(String owner, List<WantedService> services) implements Operation {}

    /** Removes an owner's services; {@code ids} are removed even during probation. */
    record Remove(String owner, Set<String> ids) implements Operation {}

    /** Completes once a sync including every earlier operation succeeded. */
    record Flush(CompletableFuture<Void> done) implements Operation {}

    private final ConsulAgent agent;
    private final ServiceIds ids;
    private final ConsulOptions options;
    private final Counters counters;
    /** Told after each successful sync: every wanted check by ID, and the IDs of services just (re)registered. */
    private final BiConsumer<Map<String, WantedCheck>, Set<String>> synced;

    private final long startNanos = System.nanoTime();

    private final Object lock = new Object();
    private final List<Operation> pending = new ArrayList<>(); // guarded by lock
    private boolean syncRequested; // guarded by lock
    private boolean closing; // guarded by lock
    private volatile boolean recoveryComplete;

    // owned by the loop thread
    private final Map<String, List<WantedService>> byOwner = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final List<CompletableFuture<Void>> flushes = new ArrayList<>();
    private boolean datacenterChecked;
    private @Nullable String lastFailure;

    SyncLoop(
            ConsulAgent agent,
            ServiceIds ids,
            ConsulOptions options,
            Counters counters,
            BiConsumer<Map<String, WantedCheck>, Set<String>> synced) {
        this.agent = agent;
        this.ids = ids;
        this.options = options;
        this.counters = counters;
        this.synced = synced;
    }

    void submit(Operation op) {
        synchronized (lock) {
            pending.add(op);
            lock.notifyAll();
        }
    }

    /** Asks for a sync as soon as the backoff allows, e.g. when a check vanished from the agent. */
    void requestSync() {
        synchronized (lock) {
            syncRequested = true;
            lock.notifyAll();
        }
    }

    void recoveryComplete() {
        recoveryComplete = true;
        requestSync();
    }

    /** Makes the loop flush and end; {@link #run} returns after the final flush or the shutdown timeout. */
    void close() {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
    }

    @Override
    public void run() {
        int failures = 0;
        long next = System.nanoTime();
        while (true) {
            List<Operation> ops;
            synchronized (lock) {
                while (!closing
                        && System.nanoTime() - next < 0
                        && !((!pending.isEmpty() || syncRequested) && failures == 0)) {
                    waitFor(Duration.ofNanos(next - System.nanoTime()));
                }
                if (closing) {
                    break;
                }
                ops = drain();
            }
            apply(ops);
            if (syncOnce()) {
                failures = 0;
                next = System.nanoTime() + options.resyncInterval().toNanos();
            } else {
                failures++;
                Duration backoff = Duration.ofSeconds(failures);
                next = System.nanoTime() + min(backoff, options.maxBackoff()).toNanos();
            }
        }
        finalFlush();
    }

    private void finalFlush() {
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        List<Operation> ops;
        synchronized (lock) {
            ops = drain();
        }
        apply(ops);
        // the agent's own services go on shutdown; tasks' services stay for the next runner to adopt
        byOwner.entrySet().removeIf(owned -> {
            if (owned.getKey().startsWith("agent:")) {
                owned.getValue().forEach(s -> removed.add(s.id()));
                return true;
            }
            return false;
        });
        while (!syncOnce()) {
            if (System.nanoTime() - deadline > 0) {
                LOG.warn(
                        "consul: shutdown flush did not complete within {}; pending registrations were not applied",
                        options.shutdownTimeout());
                flushes.forEach(f -> f.completeExceptionally(
                        new ConsulUnavailableException("consul: registry closed before the agent could be reached")));
                return;
            }
            synchronized (lock) {
                waitFor(min(Duration.ofMillis(200), Duration.ofNanos(deadline - System.nanoTime())));
            }
        }
    }

    private List<Operation> drain() {
        List<Operation> ops = new ArrayList<>(pending);
        pending.clear();
        syncRequested = false;
        return ops;
    }

    private void apply(List<Operation> ops) {
        for (Operation op : ops) {
            if (op instanceof Put put) {
                List<WantedService> before = byOwner.put(put.owner(), put.services());
                if (before != null) {
                    // services the owner dropped are unwanted now, even during probation
                    before.forEach(s -> removed.add(s.id()));
                }
                put.services().forEach(s -> removed.remove(s.id()));
            } else if (op instanceof Remove remove) {
                List<WantedService> before = byOwner.remove(remove.owner());
                if (before != null) {
                    before.forEach(s -> removed.add(s.id()));
                }
                removed.addAll(remove.ids());
            } else if (op instanceof Flush flush) {
                flushes.add(flush.done());
            }
        }
    }

    /** One read of the agent and the writes it calls for; false when the agent failed. */
    private boolean syncOnce() {
        try {
            checkDatacenter();
            Map<String, WantedService> wanted = new HashMap<>();
            byOwner.values().forEach(list -> list.forEach(s -> wanted.put(s.id(), s)));
            AgentSnapshot snapshot = agent.read();
            boolean removeUnknown = recoveryComplete
                    || System.nanoTime() - startNanos > options.probation().toNanos();
            SyncPlan plan = SyncPlan.compute(wanted, snapshot, ids, removeUnknown, removed);
            for (WantedService s : plan.register()) {
                agent.register(s);
            }
            for (String id : plan.deregisterServices()) {
                agent.deregister(id);
            }
            for (String id : plan.deregisterChecks()) {
                agent.deregisterCheck(id);
            }
            if (!plan.isEmpty()) {
                LOG.debug(
                        "consul: registered {}, deregistered {} services and {} checks",
                        plan.register().size(),
                        plan.deregisterServices().size(),
                        plan.deregisterChecks().size());
            }
            removed.removeIf(id -> !snapshot.services().containsKey(id)
                    || plan.deregisterServices().contains(id));
            Map<String, WantedCheck> checks = new HashMap<>();
            wanted.values().forEach(s -> s.checks().forEach(c -> checks.put(c.id(), c)));
            counters.synced(wanted.size(), checks.size());
            Map<String, WantedCheck> scripts = new HashMap<>();
            checks.values().stream().filter(WantedCheck::isScript).forEach(c -> scripts.put(c.id(), c));
            Set<String> justRegistered = new HashSet<>();
            plan.register().forEach(s -> s.checks().forEach(c -> justRegistered.add(c.id())));
            synced.accept(scripts, justRegistered);
            flushes.forEach(f -> f.complete(null));
            flushes.clear();
            if (lastFailure != null) {
                LOG.info("consul: agent reachable again; {} services of ours in sync", wanted.size());
                lastFailure = null;
            }
            return true;
        } catch (ConsulUnavailableException e) {
            counters.syncFailed();
            // the first failure and any new reason at WARN; the same reason again only at DEBUG
            String reason = String.valueOf(e.getMessage());
            if (!reason.equals(lastFailure)) {
                LOG.warn("{}; will retry", reason);
                lastFailure = reason;
            } else {
                LOG.debug("{}; will retry", e.getMessage());
            }
            return false;
        } catch (RuntimeException e) {
            counters.syncFailed();
            LOG.error("consul: sync failed unexpectedly; will retry", e);
            return false;
        }
    }

    private void checkDatacenter() {
        if (options.datacenter() == null || datacenterChecked) {
            return;
        }
        String actual = agent.datacenter();
        if (!options.datacenter().equals(actual)) {
            throw new ConsulUnavailableException("consul: the agent at " + options.address() + " is in datacenter \""
                    + actual + "\", not the configured \"" + options.datacenter() + "\"; nothing is registered");
        }
        datacenterChecked = true;
    }

    private void waitFor(Duration d) {
        long ms = Math.max(1, d.toMillis());
        try {
            lock.wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
