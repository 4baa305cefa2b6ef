package dev.taskdrivers.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * Start latencies of one driver, measured in one run.
 *
 * @param driver the label shown in the chart, e.g. {@code raw_exec} or {@code docker (via the SDK)}
 * @param nanos one sample per start, in nanoseconds
 */
public record LatencySamples(String driver, long[] nanos) {
    public LatencySamples {
        Objects.requireNonNull(driver, "driver");
        nanos = nanos.clone();
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples for " + driver);
        }
    }

    /** The samples in nanoseconds, a copy. */
    @Override
    public long[] nanos() {
        return nanos.clone();
    }

    /** The nearest-rank percentile ({@code 0 < p <= 100}) in milliseconds. */
    public double percentileMillis(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1] / 1e6;
    }

    public int count() {
        return nanos.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencySamples other && driver.equals(other.driver) && Arrays.equals(nanos, other.nanos);
    }

    @Override
    public int hashCode() {
        return 31 * driver.hashCode() + Arrays.hashCode(nanos);
    }

    @Override
    public String toString() {
        return "LatencySamples[driver=" + driver + ", count=" + nanos.length + "]";
    }
}
