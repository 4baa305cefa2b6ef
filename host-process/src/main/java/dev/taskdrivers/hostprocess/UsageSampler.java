package dev.taskdrivers.hostprocess;

import dev.taskdrivers.hostprocess.internal.PageSize;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Samples the cpu time and resident memory of a process, or of a task and all its processes, from {@code /proc},
 * and the cpu percentage between two samples. Processes are matched by pid and start time: once they ended (or
 * their pid was recycled) a sample is zeros.
 */
public final class UsageSampler {
    private final Supplier<List<ProcStat>> processes;
    private long lastCpuNanos = -1;
    private long lastWallNanos;

    private UsageSampler(Supplier<List<ProcStat>> processes) {
        this.processes = processes;
    }

    /** Samples one process. */
    public static UsageSampler ofProcess(ProcessIdentity process) {
        return new UsageSampler(() -> process.current().stream().toList());
    }

    /**
     * Samples a task led by {@code leader}: its process group and session and every descendant of the leader
     * ({@link ProcessTable#belongingTo}).
     */
    public static UsageSampler ofTask(ProcessIdentity leader) {
        return new UsageSampler(() -> ProcessTable.snapshot().belongingTo(leader));
    }

    /** A sample now; zeros once the processes have ended. */
    public synchronized ProcessUsage sample() {
        long rssPages = 0;
        long cpuNanos = 0;
        for (ProcStat p : processes.get()) {
            rssPages += p.rssPages();
            cpuNanos += p.cpuNanos();
        }
        long now = System.nanoTime();
        double percent = 0;
        if (lastCpuNanos >= 0 && now > lastWallNanos) {
            percent = Math.max(0, 100.0 * (cpuNanos - lastCpuNanos) / (now - lastWallNanos));
        }
        lastCpuNanos = cpuNanos;
        lastWallNanos = now;
        return new ProcessUsage(Instant.now(), rssPages * PageSize.BYTES, cpuNanos, percent);
    }
}
