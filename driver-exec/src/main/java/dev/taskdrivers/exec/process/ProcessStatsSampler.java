package dev.taskdrivers.exec.process;

import dev.taskdrivers.api.TaskStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Samples the cpu time and resident memory of a task and all its processes from {@code /proc}, and the cpu
 * percentage between two samples.
 */
public final class ProcessStatsSampler {
    /** Clock ticks per second of {@code /proc} times; USER_HZ is 100 on every Linux architecture the JDK runs on. */
    static final long TICKS_PER_SECOND = 100;
    static final long PAGE_SIZE = pageSize();

    private final ProcessIdentity leader;
    private long lastCpuNanos = -1;
    private long lastWallNanos;

    public ProcessStatsSampler(ProcessIdentity leader) {
        this.leader = leader;
    }

    /** A sample now; zeros once the task has ended. */
    public synchronized TaskStats sample() {
        long rssPages = 0;
        long ticks = 0;
        for (ProcStat p : ProcessTable.snapshot().belongingTo(leader)) {
            rssPages += p.rssPages();
            ticks += p.userTicks() + p.systemTicks();
        }
        long cpuNanos = ticks * (1_000_000_000L / TICKS_PER_SECOND);
        long now = System.nanoTime();
        double percent = 0;
        if (lastCpuNanos >= 0 && now > lastWallNanos) {
            percent = Math.max(0, 100.0 * (cpuNanos - lastCpuNanos) / (now - lastWallNanos));
        }
        lastCpuNanos = cpuNanos;
        lastWallNanos = now;
        return TaskStats.builder().memoryRssBytes(rssPages * PAGE_SIZE).cpuTotalNanos(cpuNanos).cpuPercent(percent)
                .build();
    }

    private static long pageSize() {
        try {
            Process p = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 4096;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 4096;
        }
    }
}
