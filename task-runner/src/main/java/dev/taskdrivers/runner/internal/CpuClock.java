package dev.taskdrivers.runner.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/** The clock rate of one core of this host, to express cpu use in MHz as {@code resources.cpu} is. */
final class CpuClock {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path MAX_FREQ_KHZ = Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    private static volatile double mhz = -1;

    private CpuClock() {}

    /** One core's MHz; 0 when the host tells neither in /proc/cpuinfo nor in cpufreq. Read once. */
    static double mhzPerCore() {
        double known = mhz;
        if (known < 0) {
            known = fromCpuinfo().orElseGet(() -> fromCpufreq().orElse(0));
            mhz = known;
        }
        return known;
    }

    /** {@code percent} of one core (100 per core) in MHz. */
    static double ticks(double percent) {
        return percent / 100 * mhzPerCore();
    }

    static OptionalDouble fromCpuinfo(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("cpu MHz"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .mapToDouble(CpuClock::parse)
                .filter(v -> v > 0)
                .max();
    }

    private static OptionalDouble fromCpuinfo() {
        try {
            return fromCpuinfo(Files.readAllLines(CPUINFO));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    private static OptionalDouble fromCpufreq() {
        try {
            double khz = parse(Files.readString(MAX_FREQ_KHZ).trim());
            return khz > 0 ? OptionalDouble.of(khz / 1000) : OptionalDouble.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
