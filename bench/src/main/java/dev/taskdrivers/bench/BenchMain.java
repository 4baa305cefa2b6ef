package dev.taskdrivers.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Runs the named benchmarks (all when none is named) and prints one line per figure. */
public final class BenchMain {
    /** Every benchmark, by name. */
    static final List<Supplier<Benchmark>> BENCHMARKS = List.of(RawExecStartBenchmark::new, RawExecScaleBenchmark::new, ConsulSyncBenchmark::new, QemuBootBenchmark::new);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Figure> figures = new ArrayList<>();
        for (Supplier<Benchmark> supplier : BENCHMARKS) {
            Benchmark benchmark = supplier.get();
            if (args.length > 0 && !List.of(args).contains(benchmark.name())) {
                continue;
            }
            System.out.println("== " + benchmark.name());
            for (Figure f : benchmark.run()) {
                figures.add(f);
                System.out.printf(Locale.ROOT, "%-16s %-60s %10.3f %-5s target %-8s %s  (%s)%n", f.benchmark(),
                        f.what(), f.value(), f.unit(), f.target().isEmpty() ? "-" : f.target(),
                        f.met() ? "MET" : "MISSED", f.detail());
            }
        }
        System.out.println(figures.size() + " figures");
    }
}
