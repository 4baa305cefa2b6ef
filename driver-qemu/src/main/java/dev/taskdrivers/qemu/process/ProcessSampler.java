package dev.taskdrivers.qemu.process;

import dev.taskdrivers.api.TaskStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resource usage of one process from {@code /proc}, with cpu percent measured between consecutive samples. */
public final class ProcessSampler {
    private final long pid;
    private long lastCpuNanos = -1;
    private long lastWallNanos;

    public ProcessSampler(long pid) {
        this.pid = pid;
    }

    /** A sample; zeros when the process is gone. */
    public synchronized TaskStats sample() {
        long wall = System.nanoTime();
        long cpuNanos = ProcStat.read(pid).map(s -> s.cpuTicks() * ProcStat.NANOS_PER_TICK).orElse(0L);
        double percent = 0;
        if (lastCpuNanos >= 0 && wall > lastWallNanos) {
            percent = 100.0 * (cpuNanos - lastCpuNanos) / (wall - lastWallNanos);
        }
        lastCpuNanos = cpuNanos;
        lastWallNanos = wall;
        return TaskStats.builder().memoryRssBytes(rssBytes()).cpuTotalNanos(cpuNanos).cpuPercent(Math.max(0, percent))
                .build();
    }

    private long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone: no memory in use
        }
        return 0;
    }
}
