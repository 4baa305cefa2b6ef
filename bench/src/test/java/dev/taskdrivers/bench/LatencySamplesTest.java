package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencySamplesTest {

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        long[] nanos = LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000_000).toArray();
        LatencySamples samples = new LatencySamples("raw_exec", nanos);

        assertThat(samples.percentileMillis(50)).isEqualTo(50.0);
        assertThat(samples.percentileMillis(90)).isEqualTo(90.0);
        assertThat(samples.percentileMillis(99)).isEqualTo(99.0);
        assertThat(samples.percentileMillis(100)).isEqualTo(100.0);
    }

    @Test
    void orderOfSamplesDoesNotMatterAndTheyAreCopied() {
        long[] nanos = {3_000_000, 1_000_000, 2_000_000};
        LatencySamples samples = new LatencySamples("docker", nanos);
        nanos[0] = 0;

        assertThat(samples.percentileMillis(50)).isEqualTo(2.0);
        assertThat(samples.percentileMillis(99)).isEqualTo(3.0);
        assertThat(samples.count()).isEqualTo(3);
    }

    @Test
    void rejectsNoSamplesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> new LatencySamples("exec", new long[0])).hasMessageContaining("no samples for exec");
        LatencySamples one = new LatencySamples("exec", new long[] {1});
        assertThatThrownBy(() -> one.percentileMillis(0)).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> one.percentileMillis(101)).hasMessageContaining("(0, 100]");
    }
}
