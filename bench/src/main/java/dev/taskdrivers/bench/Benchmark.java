package dev.taskdrivers.bench;

import java.util.List;

/** One side-by-side measurement. Registered in {@link BenchMain#BENCHMARKS}. */
public interface Benchmark {

    /** A short name used to select it on the command line, e.g. {@code docker-start}. */
    String name();

    /** Runs the measurement and returns its figures; every figure compares things measured in this same run. */
    List<Figure> run() throws Exception;

    /**
     * Task start latencies measured by the last {@link #run()}, one entry per driver, for the report's percentile
     * chart. Start benchmarks override this; the default has none.
     */
    default List<LatencySamples> startLatencies() {
        return List.of();
    }
}
