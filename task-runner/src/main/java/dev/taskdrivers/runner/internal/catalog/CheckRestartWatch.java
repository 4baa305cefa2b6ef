package dev.taskdrivers.runner.internal.catalog;

import dev.taskdrivers.services.CheckRestart;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Counts the unhealthy results of one running task's checks that have a {@code check_restart}, as Nomad's client
 * does, whether the runner runs the checks ({@code provider = "nomad"}) or the service registry reports their results
 * ({@code provider = "consul"}): results within the grace after the task started do not count, a healthy one resets the count, and once a
 * check reaches its limit the task is restarted, once; the next start of the task brings a new watch.
 */
public final class CheckRestartWatch {
    /** The most of a check's output the restart's reason quotes. */
    static final int OUTPUT_CHARS = 200;

    private final Instant started;
    private final Consumer<String> restart;
    /** The rules by service name and check name. */
    private final Map<String, CheckRestart> rules = new HashMap<>();
    /** Unhealthy results in a row, by the same key; guarded by this. */
    private final Map<String, Integer> unhealthy = new HashMap<>();
    /** Whether the restart was asked for; guarded by this. */
    private boolean fired;

    /**
     * @param services the task's services with their checks
     * @param started when the task started: the grace counts from then
     * @param restart asked, once, to restart the task, with the reason
     */
    public CheckRestartWatch(List<ServiceSpec> services, Instant started, Consumer<String> restart) {
        this.started = started;
        this.restart = restart;
        for (ServiceSpec s : services) {
            for (CheckSpec c : s.checks()) {
                CheckRestart rule = c.checkRestart();
                if (rule != null && rule.limit() > 0) {
                    rules.put(key(s.name(), c.name()), rule);
                }
            }
        }
    }

    /** Whether any check can restart the task. */
    public boolean any() {
        return !rules.isEmpty();
    }

    /** Counts one result of a check of the task. */
    public void observe(CheckStatus result) {
        String key = key(result.service(), result.check());
        CheckRestart rule = rules.get(key);
        if (rule == null || result.updated().isBefore(started.plus(rule.grace()))) {
            return;
        }
        String reason;
        synchronized (this) {
            if (fired) {
                return;
            }
            if (!rule.countsAsUnhealthy(result.health())) {
                unhealthy.remove(key);
                return;
            }
            int count = unhealthy.merge(key, 1, Integer::sum);
            if (count < rule.limit()) {
                return;
            }
            fired = true;
            reason = "healthcheck: check \"" + result.check() + "\" unhealthy ("
                    + result.health().displayName() + " " + count + (count == 1 ? " time" : " times") + " in a row"
                    + quoted(result.output()) + ")";
        }
        restart.accept(reason);
    }

    /** The first line of a check's output, cut to {@value #OUTPUT_CHARS} characters, after a colon; or nothing. */
    private static String quoted(String output) {
        String line = output.strip().lines().findFirst().orElse("").strip();
        if (line.isEmpty()) {
            return "";
        }
        return ": " + (line.length() > OUTPUT_CHARS ? line.substring(0, OUTPUT_CHARS) + "..." : line);
    }

    private static String key(String service, String check) {
        return service + "\u0000" + check;
    }
}
