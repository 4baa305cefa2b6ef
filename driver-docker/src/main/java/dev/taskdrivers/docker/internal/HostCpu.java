package dev.taskdrivers.docker.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The speed of one of this host's cores in MHz, which turns a task's MHz into a share of cores. */
public final class HostCpu {
    private static final Logger LOG = LoggerFactory.getLogger(HostCpu.class);
    /** Used when /proc/cpuinfo names no speed (some virtual machines and architectures). */
    static final double FALLBACK_MHZ_PER_CORE = 1000;

    private static volatile @Nullable Double mhzPerCore;

    private HostCpu() {}

    /** The fastest core's MHz from /proc/cpuinfo, read once. */
    public static double mhzPerCore() {
        Double known = mhzPerCore;
        if (known == null) {
            known = read(Path.of("/proc/cpuinfo"));
            mhzPerCore = known;
        }
        return known;
    }

    static double read(Path cpuinfo) {
        try {
            return parse(Files.readAllLines(cpuinfo));
        } catch (IOException e) {
            LOG.info("cannot read {} ({}); taking {} MHz per core", cpuinfo, e.toString(), FALLBACK_MHZ_PER_CORE);
            return FALLBACK_MHZ_PER_CORE;
        }
    }

    static double parse(List<String> lines) {
        double best = 0;
        for (String line : lines) {
            if (line.startsWith("cpu MHz")) {
                try {
                    best = Math.max(
                            best,
                            Double.parseDouble(
                                    line.substring(line.indexOf(':') + 1).strip()));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // a line we do not understand counts as no speed
                }
            }
        }
        return best > 0 ? best : FALLBACK_MHZ_PER_CORE;
    }
}
