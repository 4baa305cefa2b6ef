package dev.taskdrivers.metrics.micrometer;

import dev.taskdrivers.consul.ConsulServiceRegistry;
import dev.taskdrivers.consul.RegistryCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToLongFunction;

/**
 * What a Consul service registry did, from its {@link ConsulServiceRegistry#counters()}: requests sent to the agent
 * (reads and writes), syncs and failed syncs, script check runs, and the services and checks it holds in the agent.
 * Needs {@code consul-service} on the class path (an optional dependency of this module).
 */
public final class ConsulRegistryMetrics {
    /** HTTP requests sent to the Consul agent, tagged {@code kind} ({@code read} = GET, {@code write} = the rest). */
    public static final String REQUESTS = "taskdrivers.consul.requests";
    /** Syncs with the agent, tagged {@code outcome} ({@code success}, {@code failure}: retried with backoff). */
    public static final String SYNCS = "taskdrivers.consul.syncs";
    /** Script check runs, tagged {@code outcome} ({@code completed}, {@code timed_out}). */
    public static final String SCRIPT_RUNS = "taskdrivers.consul.script.runs";
    /** Services of this registry in the agent after the last successful sync. */
    public static final String SERVICES = "taskdrivers.consul.services";
    /** Checks of this registry in the agent after the last successful sync. */
    public static final String CHECKS = "taskdrivers.consul.checks";

    private ConsulRegistryMetrics() {}

    /**
     * Registers the meters; they read the registry's counters when scraped.
     *
     * @param consul the Consul registry
     * @param registry where the meters go
     */
    public static void bind(ConsulServiceRegistry consul, MeterRegistry registry) {
        counter(registry, consul, REQUESTS, "kind", "read", RegistryCounters::reads);
        counter(registry, consul, REQUESTS, "kind", "write", RegistryCounters::writes);
        counter(registry, consul, SYNCS, "outcome", "success", RegistryCounters::syncs);
        counter(registry, consul, SYNCS, "outcome", "failure", RegistryCounters::syncFailures);
        counter(registry, consul, SCRIPT_RUNS, "outcome", "completed", c -> c.scriptRuns() - c.scriptTimeouts());
        counter(registry, consul, SCRIPT_RUNS, "outcome", "timed_out", RegistryCounters::scriptTimeouts);
        Gauge.builder(SERVICES, consul, r -> r.counters().services())
                .description("Services of this registry in the Consul agent")
                .register(registry);
        Gauge.builder(CHECKS, consul, r -> r.counters().checks())
                .description("Checks of this registry in the Consul agent")
                .register(registry);
    }

    private static void counter(
            MeterRegistry registry,
            ConsulServiceRegistry consul,
            String name,
            String tag,
            String value,
            ToLongFunction<RegistryCounters> read) {
        FunctionCounter.builder(name, consul, r -> read.applyAsLong(r.counters()))
                .tag(tag, value)
                .register(registry);
    }
}
