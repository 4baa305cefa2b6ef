package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskStats;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

    @Test
    void aSampleBecomesTheTaskStatsADriverReports() {
        Instant at = Instant.parse("2026-11-30T09:00:00Z");
        TaskStats stats = new ProcessUsage(at, 4096, 2_000_000, 12.5).toTaskStats();

        assertThat(stats.timestamp()).isEqualTo(at);
        assertThat(stats.memoryRssBytes()).isEqualTo(4096);
        assertThat(stats.cpuTotalNanos()).isEqualTo(2_000_000);
        assertThat(stats.cpuPercent()).isEqualTo(12.5);
        assertThat(stats.throttledPeriods()).isZero();
    }
}
