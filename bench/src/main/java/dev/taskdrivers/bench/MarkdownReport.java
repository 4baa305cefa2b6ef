package dev.taskdrivers.bench;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders a run's outcomes as Markdown: the figures table, the start latency percentiles and the machine. */
public final class MarkdownReport {
    private final Instant started;
    private final MachineInfo machine;
    private final List<BenchmarkOutcome> outcomes;
    private final String chartFile;

    public MarkdownReport(Instant started, MachineInfo machine, List<BenchmarkOutcome> outcomes, String chartFile) {
        this.started = started;
        this.machine = machine;
        this.outcomes = List.copyOf(outcomes);
        this.chartFile = chartFile;
    }

    public String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark report\n\n");
        md.append("Run started ")
                .append(started)
                .append(". Every figure is a ratio or a count measured side by side")
                .append(" in this run.\n\n");
        md.append("| benchmark | figure | value | target | result | raw numbers |\n");
        md.append("|---|---|---:|---|---|---|\n");
        for (BenchmarkOutcome outcome : outcomes) {
            String error = outcome.error();
            if (error != null) {
                md.append(row(outcome.benchmark(), "(did not complete)", "-", "-", "ERROR", error));
            }
            for (Figure f : outcome.figures()) {
                md.append(row(
                        f.benchmark(),
                        f.what(),
                        value(f),
                        f.target().isEmpty() ? "-" : f.target(),
                        f.target().isEmpty() ? "-" : f.met() ? "met" : "**missed**",
                        f.detail()));
            }
        }
        appendLatencies(md);
        md.append("\n## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| cpu | ").append(cell(machine.cpuModel())).append(" |\n");
        md.append("| cores | ").append(machine.cores()).append(" |\n");
        md.append("| memory | ").append(cell(machine.memory())).append(" |\n");
        md.append("| kernel | ").append(cell(machine.kernel())).append(" |\n");
        md.append("| java | ").append(cell(machine.java())).append(" |\n");
        return md.toString();
    }

    private void appendLatencies(StringBuilder md) {
        List<LatencySamples> all =
                outcomes.stream().flatMap(o -> o.latencies().stream()).toList();
        if (all.isEmpty()) {
            return;
        }
        md.append("\n## Task start latency per driver\n\n");
        md.append("![start latency percentiles](").append(chartFile).append(")\n\n");
        md.append("| driver | samples | p50 ms | p90 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
        for (LatencySamples s : all) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.1f | %.1f |%n",
                    cell(s.driver()),
                    s.count(),
                    s.percentileMillis(50),
                    s.percentileMillis(90),
                    s.percentileMillis(99)));
        }
    }

    private static String value(Figure f) {
        String number = !"x".equals(f.unit()) && f.value() == Math.rint(f.value()) && Math.abs(f.value()) < 1e15
                ? String.format(Locale.ROOT, "%d", (long) f.value())
                : String.format(Locale.ROOT, "%.3f", f.value());
        return number + " " + f.unit();
    }

    private static String row(String... cells) {
        StringBuilder line = new StringBuilder("|");
        for (String c : cells) {
            line.append(' ').append(cell(c)).append(" |");
        }
        return line.append('\n').toString();
    }

    /** Keeps a value inside its table cell. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
