package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The default jitter is a quarter of the delay, exactly as {@link Duration#dividedBy(long)} computes it. */
class RestartPolicyJitterTest {
    @Property
    void theDefaultJitterIsAQuarterOfTheDelay(
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Duration delay = Duration.ofSeconds(seconds, nanos);

        assertThat(RestartPolicy.quarterOf(delay)).isEqualTo(delay.dividedBy(4));
    }

    @Property
    void aPolicyWithoutJitterGetsAQuarterOfItsDelay(@ForAll @LongRange(min = 0, max = 86_400_000L) long millis) {
        RestartPolicy policy =
                RestartPolicy.builder().delay(Duration.ofMillis(millis)).build();

        assertThat(policy.jitter()).isEqualTo(Duration.ofMillis(millis).dividedBy(4));
    }
}
