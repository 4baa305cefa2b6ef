package dev.taskdrivers.runner.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckRestart;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nomad's counting of unhealthy check results for {@code check_restart}. */
class CheckRestartWatchTest {
    private static final TaskId TASK = new TaskId("a1", "web", "g", 0, "web");
    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

    private final List<String> restarts = new ArrayList<>();

    private CheckRestartWatch watch(CheckRestart rule) {
        ServiceSpec service = ServiceSpec.builder("web")
                .port("http")
                .check(CheckSpec.http("/health").name("health").checkRestart(rule))
                .check(CheckSpec.tcp().name("plain"))
                .build();
        return new CheckRestartWatch(List.of(service), STARTED, restarts::add);
    }

    private static CheckStatus result(String check, CheckHealth health, Duration afterStart) {
        return result(check, health, afterStart, "");
    }

    private static CheckStatus result(String check, CheckHealth health, Duration afterStart, String output) {
        return new CheckStatus(TASK, "web", check, CheckType.HTTP, health, output, STARTED.plus(afterStart));
    }

    @Test
    void theLimitOfUnhealthyResultsInARowRestartsOnce() {
        CheckRestartWatch watch = watch(new CheckRestart(3, Duration.ofSeconds(10), false));

        // within the grace nothing counts
        for (int i = 0; i < 5; i++) {
            watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(i)));
        }
        assertThat(restarts).isEmpty();
        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(11)));
        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(12)));
        // a healthy result starts the count again
        watch.observe(result("health", CheckHealth.PASSING, Duration.ofSeconds(13)));
        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(14)));
        watch.observe(result("health", CheckHealth.WARNING, Duration.ofSeconds(15)));
        assertThat(restarts).isEmpty();
        watch.observe(result(
                "health",
                CheckHealth.CRITICAL,
                Duration.ofSeconds(16),
                "HTTP GET http://127.0.0.1:8080/health: 503 Service Unavailable\nOutput: down"));
        assertThat(restarts)
                .containsExactly("healthcheck: check \"health\" unhealthy (critical 3 times in a row: HTTP GET"
                        + " http://127.0.0.1:8080/health: 503 Service Unavailable)");

        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(17)));
        assertThat(restarts).as("one restart per start of the task").hasSize(1);
    }

    @Test
    void warningsCountUnlessIgnoredAndChecksWithoutARuleNeverRestart() {
        CheckRestartWatch ignoring = watch(new CheckRestart(1, Duration.ZERO, true));
        ignoring.observe(result("health", CheckHealth.WARNING, Duration.ofSeconds(1)));
        ignoring.observe(result("plain", CheckHealth.CRITICAL, Duration.ofSeconds(1)));
        assertThat(restarts).isEmpty();

        CheckRestartWatch counting = watch(new CheckRestart(1, Duration.ZERO, false));
        counting.observe(result("health", CheckHealth.WARNING, Duration.ofSeconds(1)));
        assertThat(restarts).containsExactly("healthcheck: check \"health\" unhealthy (warning 1 time in a row)");
    }

    @Test
    void aLongOutputIsCutInTheReason() {
        CheckRestartWatch watch = watch(new CheckRestart(1, Duration.ZERO, false));
        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(1), "  " + "x".repeat(500)));
        assertThat(restarts)
                .containsExactly("healthcheck: check \"health\" unhealthy (critical 1 time in a row: "
                        + "x".repeat(CheckRestartWatch.OUTPUT_CHARS) + "...)");
    }

    @Test
    void aLimitOfZeroWatchesNothing() {
        assertThat(watch(new CheckRestart(0, Duration.ZERO, false)).any()).isFalse();
        assertThat(watch(new CheckRestart(1, Duration.ZERO, false)).any()).isTrue();
    }
}
