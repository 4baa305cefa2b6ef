package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskStatsTest {

    @Test
    void measuresNotSetAreZeroAndTheTimestampIsTakenAtBuild() {
        Instant before = Instant.now();

        TaskStats stats = TaskStats.builder().memoryRssBytes(4096).build();

        assertThat(stats.memoryRssBytes()).isEqualTo(4096);
        assertThat(stats.cpuTotalNanos()).isZero();
        assertThat(stats.cpuPercent()).isZero();
        assertThat(stats.throttledPeriods()).isZero();
        assertThat(stats.memoryCacheBytes()).isZero();
        assertThat(stats.memorySwapBytes()).isZero();
        assertThat(stats.timestamp()).isBetween(before, Instant.now());
        assertThat(TaskStats.nothingUsed().memoryRssBytes()).isZero();
    }

    @Test
    void equalWhenEveryMeasureAndTheTimestampAreEqual() {
        TaskStats a = TaskStats.builder()
                .timestamp(Instant.EPOCH)
                .cpuTotalNanos(5)
                .cpuPercent(12.5)
                .build();

        assertThat(a)
                .isEqualTo(a.toBuilder().build())
                .hasSameHashCodeAs(a.toBuilder().build());
        assertThat(a).isNotEqualTo(a.toBuilder().throttledPeriods(1).build());
        assertThat(a).isNotEqualTo(a.toBuilder().memoryCacheBytes(1).build());
        assertThat(a).isNotEqualTo(a.toBuilder().memorySwapBytes(1).build());
        assertThat(a.toBuilder().memoryCacheBytes(7).memorySwapBytes(9).build().toBuilder()
                        .build())
                .extracting(TaskStats::memoryCacheBytes, TaskStats::memorySwapBytes)
                .containsExactly(7L, 9L);
        assertThat(a.toString()).contains("cpuPercent=12.5", "timestamp=1970-01-01T00:00:00Z");
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        assertThatThrownBy(() -> TaskStats.builder()
                        .memoryRssBytes(-1)
                        .cpuTotalNanos(-2)
                        .cpuPercent(Double.NaN)
                        .throttledPeriods(-3)
                        .memoryCacheBytes(-4)
                        .memorySwapBytes(-5)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryRssBytes: must be 0 or more, was -1")
                .hasMessageContaining("cpuTotalNanos: must be 0 or more, was -2")
                .hasMessageContaining("cpuPercent: must be a finite number, 0 or more, was NaN")
                .hasMessageContaining("throttledPeriods: must be 0 or more, was -3")
                .hasMessageContaining("memoryCacheBytes: must be 0 or more, was -4")
                .hasMessageContaining("memorySwapBytes: must be 0 or more, was -5");
    }
}
