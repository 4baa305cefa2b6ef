package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs the named benchmarks (all when none is named), prints one line per figure and, with {@code --report DIR},
 * writes {@code DIR/report.md} and {@code DIR/start-latency.png}. Exits 1 when a benchmark could not complete (a
 * missed target is reported, not an error) and 2 on a bad command line.
 */
public final class BenchMain {
    /** Every benchmark, by name. */
    static final List<Supplier<Benchmark>> BENCHMARKS = List.of(
            RawExecStartBenchmark::new,
            RawExecScaleBenchmark::new,
            ExecIsolatedStartBenchmark::new,
            ExecCapabilitiesBenchmark::new,
            JavaStartBenchmark::new,
            ConsulSyncBenchmark::new,
            TemplateWatchBenchmark::new,
            QemuBootBenchmark::new,
            DockerStartBenchmark::new,
            DockerConcurrentStartBenchmark::new,
            DockerPullDedupeBenchmark::new,
            DockerLogsBenchmark::new,
            DockerLogFollowBenchmark::new,
            StartLatencyBenchmark::new,
            RunnerStartBenchmark::new,
            MetricsOverheadBenchmark::new,
            RunnerScaleBenchmark::new,
            RunnerRecoveryBenchmark::new,
            RunnerIdleScaleBenchmark::new,
            CliOneshotBenchmark::new,
            ArtifactFetchBenchmark::new);

    private static final String CHART = "start-latency.png";

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Path reportDir = null;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--report") && i + 1 < args.length) {
                reportDir = Path.of(args[++i]);
            } else {
                names.add(args[i]);
            }
        }
        List<Benchmark> selected = select(names);
        if (selected == null) {
            System.exit(2);
            return;
        }
        Instant started = Instant.now();
        List<BenchmarkOutcome> outcomes = new ArrayList<>();
        for (Benchmark benchmark : selected) {
            System.out.println("== " + benchmark.name());
            BenchmarkOutcome outcome = BenchmarkOutcome.of(benchmark);
            outcomes.add(outcome);
            print(outcome);
        }
        if (reportDir != null) {
            writeReport(reportDir, started, outcomes);
        }
        long figures = outcomes.stream().mapToLong(o -> o.figures().size()).sum();
        long failed = outcomes.stream().filter(BenchmarkOutcome::failed).count();
        System.out.println(figures + " figures, " + failed + " benchmark(s) did not complete");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** The benchmarks named, in registration order, or all of them; null after printing an unknown name. */
    private static @Nullable List<Benchmark> select(Set<String> names) {
        List<Benchmark> all = BENCHMARKS.stream().map(Supplier::get).toList();
        List<String> known = all.stream().map(Benchmark::name).toList();
        List<String> unknown = names.stream().filter(n -> !known.contains(n)).toList();
        if (!unknown.isEmpty()) {
            System.err.println("unknown benchmark(s) " + unknown + "; known: " + known);
            return null;
        }
        return all.stream()
                .filter(b -> names.isEmpty() || names.contains(b.name()))
                .toList();
    }

    private static void print(BenchmarkOutcome outcome) {
        if (outcome.failed()) {
            System.out.println(outcome.benchmark() + " did not complete: " + outcome.error());
        }
        for (Figure f : outcome.figures()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %-60s %10.3f %-5s target %-8s %s  (%s)%n",
                    f.benchmark(),
                    f.what(),
                    f.value(),
                    f.unit(),
                    f.target().isEmpty() ? "-" : f.target(),
                    f.target().isEmpty() ? "-" : f.met() ? "MET" : "MISSED",
                    f.detail());
        }
        for (LatencySamples s : outcome.latencies()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-16s start latency %-20s n=%d p50 %.1f ms p90 %.1f ms p99 %.1f ms%n",
                    outcome.benchmark(),
                    s.driver(),
                    s.count(),
                    s.percentileMillis(50),
                    s.percentileMillis(90),
                    s.percentileMillis(99));
        }
    }

    private static void writeReport(Path dir, Instant started, List<BenchmarkOutcome> outcomes) throws IOException {
        Files.createDirectories(dir);
        MachineInfo machine = MachineInfo.current();
        List<LatencySamples> latencies =
                outcomes.stream().flatMap(o -> o.latencies().stream()).toList();
        String subtitle = "p50 / p90 / p99 measured in one run, " + started + ", " + machine.cores() + " cores, "
                + machine.cpuModel();
        boolean chart = LatencyChart.write(latencies, subtitle, dir.resolve(CHART));
        String md = new MarkdownReport(started, machine, outcomes, CHART).render();
        Files.writeString(dir.resolve("report.md"), md);
        System.out.println("report: " + dir.resolve("report.md")
                + (chart ? ", chart: " + dir.resolve(CHART) : " (no start latency samples, no chart)"));
    }
}
