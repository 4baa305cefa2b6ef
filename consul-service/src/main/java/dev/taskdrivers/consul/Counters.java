package dev.taskdrivers.consul;

import java.util.concurrent.atomic.LongAdder;

/** The registry's live counters; {@link #snapshot} gives users an immutable copy. */
final class Counters {
    private volatile long services;
    private volatile long checks;
    private final LongAdder scriptRuns = new LongAdder();
    private final LongAdder scriptTimeouts = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder syncFailures = new LongAdder();

    void synced(long serviceCount, long checkCount) {
        services = serviceCount;
        checks = checkCount;
        syncs.increment();
    }

    void syncFailed() {
        syncFailures.increment();
    }

    void scriptRun(boolean timedOut) {
        scriptRuns.increment();
        if (timedOut) {
            scriptTimeouts.increment();
        }
    }

    RegistryCounters snapshot(RequestCounter requests) {
        return new RegistryCounters(
                services,
                checks,
                scriptRuns.sum(),
                scriptTimeouts.sum(),
                syncs.sum(),
                syncFailures.sum(),
                requests.reads(),
                requests.writes());
    }
}
