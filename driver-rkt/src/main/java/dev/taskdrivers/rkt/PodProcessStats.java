package dev.taskdrivers.rkt;

import dev.taskdrivers.api.TaskStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Usage of a pod's main process ({@code pid=} in {@code rkt status}), read from {@code /proc}. */
final class PodProcessStats {
    private static final Pattern PID = Pattern.compile("(?m)^pid=(\\d+)\\s*$");
    /** Linux reports process times in USER_HZ, 100 per second on every architecture. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private long lastCpuNanos = -1;
    private long lastWallNanos;

    static OptionalLong pid(String statusText) {
        Matcher m = PID.matcher(statusText);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    synchronized TaskStats sample(long pid) {
        long wall = System.nanoTime();
        long cpu = cpuNanos(pid);
        double percent = lastCpuNanos >= 0 && wall > lastWallNanos
                ? Math.max(0, 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos)) : 0;
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return TaskStats.builder().memoryRssBytes(rssBytes(pid)).cpuTotalNanos(cpu).cpuPercent(percent).build();
    }

    private static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the pod is gone: nothing in use
        }
        return 0;
    }
}
