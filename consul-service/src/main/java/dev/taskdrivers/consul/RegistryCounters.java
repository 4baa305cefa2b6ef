package dev.taskdrivers.consul;

/**
 * A snapshot of what the registry did, for metrics.
 *
 * @param services services of ours in the agent after the last successful sync
 * @param checks checks of ours in the agent after the last successful sync
 * @param scriptRuns script check runs
 * @param scriptTimeouts script check runs killed for running past their timeout
 * @param syncs successful syncs
 * @param syncFailures syncs that failed (agent down, token refused, ...); each is retried with backoff
 * @param reads HTTP reads the client sent (GET)
 * @param writes HTTP writes the client sent (PUT)
 */
public record RegistryCounters(
        long services,
        long checks,
        long scriptRuns,
        long scriptTimeouts,
        long syncs,
        long syncFailures,
        long reads,
        long writes) {}
