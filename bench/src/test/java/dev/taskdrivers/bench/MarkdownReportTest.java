package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
    private static final MachineInfo MACHINE = new MachineInfo("Test CPU", 2, "4.0 GiB", "6.1.0", "OpenJDK 17");

    @Test
    void tableHasOneRowPerFigureWithTargetResultAndRawNumbers() {
        BenchmarkOutcome outcome = new BenchmarkOutcome(
                "docker-start",
                List.of(
                        new Figure(
                                "docker-start",
                                "SDK / bare docker-java (median)",
                                1.046,
                                "x",
                                "<= 1.1x",
                                true,
                                "SDK 190 ms, bare 181 ms"),
                        new Figure("docker-start", "pulls for 50 tasks", 2, "count", "= 1", false, "2 pulls")),
                List.of(),
                null);

        String md = new MarkdownReport(Instant.EPOCH, MACHINE, List.of(outcome), "start-latency.png").render();

        assertThat(md)
                .contains("| docker-start | SDK / bare docker-java (median) | 1.046 x | <= 1.1x | met |"
                        + " SDK 190 ms, bare 181 ms |");
        assertThat(md).contains("| docker-start | pulls for 50 tasks | 2 count | = 1 | **missed** | 2 pulls |");
        assertThat(md)
                .contains(
                        "| cpu | Test CPU |",
                        "| cores | 2 |",
                        "| memory | 4.0 GiB |",
                        "| kernel | 6.1.0 |",
                        "| java | OpenJDK 17 |");
        assertThat(md).doesNotContain("start-latency.png");
    }

    @Test
    void failedBenchmarkIsAnErrorRowAndLatenciesGetTheirTableAndChart() {
        BenchmarkOutcome failed = new BenchmarkOutcome("qemu-boot", List.of(), List.of(), "IllegalStateException: x|y");
        BenchmarkOutcome start = new BenchmarkOutcome(
                "start-latency",
                List.of(),
                List.of(new LatencySamples("raw_exec", new long[] {1_000_000, 2_000_000, 4_000_000})),
                null);

        String md = new MarkdownReport(Instant.EPOCH, MACHINE, List.of(failed, start), "start-latency.png").render();

        assertThat(md).contains("| qemu-boot | (did not complete) | - | - | ERROR | IllegalStateException: x\\|y |");
        assertThat(md).contains("![start latency percentiles](start-latency.png)");
        assertThat(md).contains("| raw_exec | 3 | 2.0 | 4.0 | 4.0 |");
    }
}
