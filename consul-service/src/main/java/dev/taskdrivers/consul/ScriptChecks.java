package dev.taskdrivers.consul;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.consul.internal.CheckStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs script checks: every interval, the check's command through its task's exec with the check's timeout; the
 * result goes to the agent as the TTL check's status (exit 0 passing, 1 warning, anything else, a timeout or an
 * error critical) with the output, cut to a few KiB.
 */
final class ScriptChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptChecks.class);
    private static final int OUTPUT_LIMIT = KiwiConsulAgent.MAX_OUTPUT_CHARS;

    private final ConsulAgent agent;
    private final Counters counters;
    private final Runnable checkMissing;
    private final ScheduledExecutorService executor;
    private final Map<String, Running> running = new HashMap<>();
    private boolean closed;

    /**
     * @param checkMissing called when the agent no longer knows a check, so the registry resyncs
     */
    ScriptChecks(ConsulAgent agent, Counters counters, Runnable checkMissing, int threads) {
        this.agent = agent;
        this.counters = counters;
        this.checkMissing = checkMissing;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "consul-script-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    /**
     * Makes the running set match {@code wanted} (check ID to check): stops checks no longer wanted, starts new ones
     * with a run right away, and runs at once those the agent just (re)registered, whose TTL status it reset.
     */
    synchronized void reconcile(Map<String, WantedCheck> wanted, Set<String> justRegistered) {
        if (closed) {
            return;
        }
        running.entrySet().removeIf(e -> {
            WantedCheck w = wanted.get(e.getKey());
            if (w == null || w.handle() != e.getValue().check.handle()) {
                e.getValue().future.cancel(false);
                return true;
            }
            return false;
        });
        for (WantedCheck check : wanted.values()) {
            Running r = running.get(check.id());
            if (r == null) {
                ScheduledFuture<?> f = executor.scheduleWithFixedDelay(
                        () -> runOnce(check), 0, check.interval().toMillis(), TimeUnit.MILLISECONDS);
                running.put(check.id(), new Running(check, f));
            } else if (justRegistered.contains(check.id())) {
                executor.execute(() -> runOnce(check));
            }
        }
    }

    synchronized int size() {
        return running.size();
    }

    private void runOnce(WantedCheck check) {
        try {
            runAndReport(check);
        } catch (RuntimeException e) {
            // never let one failure end the schedule of this check
            LOG.warn("script check {} failed unexpectedly", check.id(), e);
        }
    }

    private void runAndReport(WantedCheck check) {
        CheckStatus status;
        String output;
        boolean timedOut = false;
        TaskHandle handle = check.handle();
        if (handle == null) {
            throw new IllegalStateException("script check " + check.id() + " has no task to run in");
        }
        try {
            ExecResult r = handle.exec(new ExecRequest(check.command(), check.timeout(), OUTPUT_LIMIT));
            timedOut = r.timedOut();
            status = timedOut ? CheckStatus.CRITICAL : CheckStatus.fromExitCode(r.exitCode());
            output = timedOut
                    ? "script timed out after " + check.timeout().toMillis() + " ms"
                    : r.stdout() + (r.stderr().isEmpty() ? "" : (r.stdout().isEmpty() ? "" : "\n") + r.stderr());
        } catch (DriverException e) {
            status = CheckStatus.CRITICAL;
            output = "exec failed: " + e.getMessage();
        } catch (RuntimeException e) {
            status = CheckStatus.CRITICAL;
            output = "exec failed: " + e;
        }
        counters.scriptRun(timedOut);
        try {
            if (!agent.updateTtl(check.id(), status, output)) {
                LOG.debug("agent does not know script check {} yet; asking for a sync", check.id());
                checkMissing.run();
            }
        } catch (ConsulUnavailableException e) {
            LOG.debug("script check {} result not delivered: {}", check.id(), e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        running.values().forEach(r -> r.future.cancel(false));
        running.clear();
        executor.shutdownNow();
    }

    private record Running(WantedCheck check, ScheduledFuture<?> future) {}
}
