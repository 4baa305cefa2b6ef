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
        return new CheckStatus(TASK, "web", check, CheckType.HTTP, health, "", STARTED.plus(afterStart));
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
        watch.observe(result("health", CheckHealth.CRITICAL, Duration.ofSeconds(16)));
        assertThat(restarts).containsExactly("healthcheck: check \"health\" unhealthy");

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
        assertThat(restarts).hasSize(1);
    }

    @Test
    void aLimitOfZeroWatchesNothing() {
        assertThat(watch(new CheckRestart(0, Duration.ZERO, false)).any()).isFalse();
        assertThat(watch(new CheckRestart(1, Duration.ZERO, false)).any()).isTrue();
    }
}
