package dev.taskdrivers.bench;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one benchmark produced in a run: its figures and start latencies, or the error that stopped it.
 *
 * @param benchmark the benchmark's name
 * @param figures its figures, empty when it failed
 * @param latencies its start latency samples, possibly empty
 * @param error why it failed, or {@code null}
 */
public record BenchmarkOutcome(
        String benchmark,
        List<Figure> figures,
        List<LatencySamples> latencies,
        @Nullable String error) {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkOutcome.class);

    public BenchmarkOutcome {
        Objects.requireNonNull(benchmark, "benchmark");
        figures = List.copyOf(figures);
        latencies = List.copyOf(latencies);
    }

    /** Runs {@code benchmark}; a failure is kept as the outcome's error so the other benchmarks still run. */
    public static BenchmarkOutcome of(Benchmark benchmark) {
        try {
            List<Figure> figures = benchmark.run();
            return new BenchmarkOutcome(benchmark.name(), figures, benchmark.startLatencies(), null);
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("benchmark {} failed", benchmark.name(), e);
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new BenchmarkOutcome(benchmark.name(), List.of(), List.of(), why);
        }
    }

    public boolean failed() {
        return error != null;
    }
}
