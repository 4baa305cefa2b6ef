package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcCpuTest {
    @Test
    void userAndSystemTicksAreReadAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 8 9 20 0 30 0 987654 "
                + "1000000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcCpu.parseTicks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void ticksOverAWindowAreAShareOfOneCore() {
        // 40 ticks = 0.4 s of cpu over 20 s: 2% of one core
        assertThat(ProcCpu.percentOfOneCore(40, 20_000_000_000L)).isCloseTo(2.0, within(1e-9));
        assertThat(ProcCpu.percentOfOneCore(0, 20_000_000_000L)).isZero();
    }

    @Test
    void thisProcessHasCpuTimeAndThreads() {
        long self = ProcessHandle.current().pid();

        assertThat(ProcCpu.ticks(self)).isPositive();
        assertThat(ProcCpu.threads(self)).isPositive();
        assertThat(ProcCpu.ticks(Long.MAX_VALUE)).isZero();
    }

    @Test
    void aProcessJustStartedHasRunForLessThanTheTimeSinceBeforeItsStart() throws Exception {
        long before = System.nanoTime();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            double seconds = ProcCpu.secondsSinceStart(sleeper.pid());
            double elapsed = (System.nanoTime() - before) / 1e9;

            // both clocks tick in 10 ms steps: one step either way
            assertThat(seconds).isBetween(-0.01, elapsed + 0.01);
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void theBusiestThreadsAreThoseWhoseTicksGrewMost() {
        Map<String, Long> before = Map.of("poller 11", 10L, "gc 12", 5L, "main 1", 100L);
        Map<String, Long> after = Map.of("poller 11", 40L, "gc 12", 7L, "main 1", 100L, "new 13", 3L);

        assertThat(ProcCpu.busiestThreads(before, after, 2)).isEqualTo("[poller 11: 30, new 13: 3]");
        assertThat(ProcCpu.busiestThreads(before, before, 2)).isEqualTo("[]");
    }
}
