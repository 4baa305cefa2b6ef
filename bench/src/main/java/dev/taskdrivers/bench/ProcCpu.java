package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cpu time of processes from {@code /proc/<pid>/stat} (user + system clock ticks, fields 14 and 15), and what a
 * difference of it over a wall-clock window is as a share of one core.
 */
final class ProcCpu {
    /** Clock ticks per second of {@code /proc} times: USER_HZ, 100 on every Linux architecture we run on. */
    static final int TICKS_PER_SECOND = 100;

    private ProcCpu() {}

    /** User + system ticks of {@code pid}; 0 when it is gone. */
    static long ticks(long pid) {
        try {
            return parseTicks(
                    Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return 0;
        }
    }

    /** User and system ticks of {@code pid}, apart; zeros when it is gone. */
    static long[] userAndSystemTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException e) {
            return new long[2];
        }
    }

    /**
     * Seconds since {@code pid} was started, to the kernel's 10 ms: both ends are read from clocks that count from
     * boot ({@code /proc/uptime} and the start time in {@code /proc/<pid>/stat}). The JDK's {@code startInstant} adds
     * the boot time from {@code /proc/stat}, which is whole seconds, so it can be up to a second early.
     */
    static double secondsSinceStart(long pid) throws IOException {
        String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.ISO_8859_1);
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        // fields[0] is field 3 (state): starttime is field 22, in ticks since boot
        long startTicks = Long.parseLong(fields[19]);
        double now = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
        return now - startTicks / (double) TICKS_PER_SECOND;
    }

    /** The sum of {@link #ticks} over {@code pids}. */
    static long ticks(List<Long> pids) {
        return pids.stream().mapToLong(ProcCpu::ticks).sum();
    }

    /** User + system ticks from a stat line; the command name in parentheses may hold spaces and parentheses. */
    static long parseTicks(String statLine) {
        String[] fields =
                statLine.substring(statLine.lastIndexOf(')') + 2).strip().split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** {@code ticks} of cpu time used over {@code elapsedNanos} of wall-clock time, in percent of one core. */
    static double percentOfOneCore(long ticks, long elapsedNanos) {
        return ticks * 100.0 / TICKS_PER_SECOND / (elapsedNanos / 1e9);
    }

    /** User + system ticks of each thread of {@code pid}, by {@code "<name> <tid>"}; empty when it is gone. */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    ticks.put(name + " " + task.getFileName(), parseTicks(stat));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /** The threads that used most cpu between two {@link #threadTicks} samples, e.g. {@code "poller 12: 30"}. */
    static String busiestThreads(Map<String, Long> before, Map<String, Long> after, int max) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(max)
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The number of threads of {@code pid}; 0 when it is gone. */
    static int threads(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return (int) tasks.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
