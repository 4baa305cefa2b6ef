package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.CheckType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which checks a read of the agent reports, and when the next read is due. */
class DueChecksTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TaskId TASK = new TaskId("a1", "job", "g", 0, "web");

    private final DueChecks due = new DueChecks();
    private final List<CheckStatus> heard = new ArrayList<>();

    private static DueChecks.Watched watched(String id, Duration interval) {
        return new DueChecks.Watched(id, TASK, "web", "check-" + id, CheckType.HTTP, interval);
    }

    private static Map<String, AgentSnapshot.Check> agent(String... idAndStatus) {
        Map<String, AgentSnapshot.Check> m = new HashMap<>();
        for (int i = 0; i < idAndStatus.length; i += 2) {
            m.put(
                    idAndStatus[i],
                    new AgentSnapshot.Check(
                            idAndStatus[i], "n", "svc", idAndStatus[i + 1], "out " + idAndStatus[i + 1]));
        }
        return m;
    }

    private void report(Instant now, Map<String, AgentSnapshot.Check> agent) {
        due.report(now, agent).forEach(DueChecks.Delivery::deliver);
    }

    @Test
    void eachCheckIsReportedOncePerIntervalFromItsFirstDueTime() {
        due.add(List.of(watched("a", Duration.ofSeconds(2)), watched("b", Duration.ofSeconds(5))), heard::add, T0);

        assertThat(due.nextRead(T0)).contains(T0.plusSeconds(2));
        assertThat(due.anyDue(T0.plusSeconds(1))).isFalse();
        report(T0.plusSeconds(2), agent("a", "critical", "b", "passing"));
        assertThat(heard)
                .extracting(CheckStatus::check, CheckStatus::health, CheckStatus::output, CheckStatus::updated)
                .containsExactly(tuple("check-a", CheckHealth.CRITICAL, "out critical", T0.plusSeconds(2)));
        assertThat(heard.get(0).task()).isEqualTo(TASK);
        assertThat(heard.get(0).service()).isEqualTo("web");
        assertThat(due.nextRead(T0.plusSeconds(2))).contains(T0.plusSeconds(4));

        // a late read keeps the cadence: the next result is due at 6 s, not 2 s after the late read
        report(T0.plusMillis(4300), agent("a", "warning", "b", "passing"));
        assertThat(heard).extracting(CheckStatus::health).containsExactly(CheckHealth.CRITICAL, CheckHealth.WARNING);
        assertThat(due.nextRead(T0.plusMillis(4300))).contains(T0.plusSeconds(5));
        // b, due at 5 s, and a, due within the slack, by one read at 5.8 s
        report(T0.plusMillis(5800), agent("a", "passing", "b", "critical"));
        assertThat(heard)
                .extracting(CheckStatus::check, CheckStatus::health)
                .containsExactly(
                        tuple("check-a", CheckHealth.CRITICAL),
                        tuple("check-a", CheckHealth.WARNING),
                        tuple("check-a", CheckHealth.PASSING),
                        tuple("check-b", CheckHealth.CRITICAL));
    }

    @Test
    void aReadFarBehindStartsTheCadenceAgainAndNoReadIsCloserThanTheSlack() {
        due.add(List.of(watched("a", Duration.ofSeconds(1))), heard::add, T0);

        report(T0.plusSeconds(10), agent("a", "passing"));
        assertThat(heard).hasSize(1);
        assertThat(due.nextRead(T0.plusSeconds(10))).contains(T0.plusSeconds(11));
        assertThat(due.nextRead(T0.plusSeconds(11).plusMillis(100)))
                .as("overdue: read, but not sooner than the slack")
                .contains(T0.plusSeconds(11).plusMillis(100).plus(DueChecks.SLACK));
    }

    @Test
    void intervalsUnderASecondAreReadOncePerSecondAsConsulRunsThem() {
        due.add(List.of(watched("a", Duration.ofMillis(200))), heard::add, T0);
        assertThat(due.nextRead(T0)).contains(T0.plusSeconds(1));
    }

    @Test
    void aMissingCheckAFailedReadOrAnUnknownStatusReportsNothingUntilItsNextInterval() {
        due.add(List.of(watched("a", Duration.ofSeconds(1))), heard::add, T0);

        report(T0.plusSeconds(1), agent());
        due.report(T0.plusSeconds(2), null).forEach(DueChecks.Delivery::deliver);
        report(T0.plusSeconds(3), agent("a", "maintenance"));
        assertThat(heard).isEmpty();
        assertThat(due.nextRead(T0.plusSeconds(3))).contains(T0.plusSeconds(4));
        report(T0.plusSeconds(4), agent("a", "passing"));
        assertThat(heard).extracting(CheckStatus::health).containsExactly(CheckHealth.PASSING);
    }

    @Test
    void aRemovedWatchHearsNothingMoreAndNothingIsReadWhenNothingIsWatched() {
        List<CheckStatus> other = new ArrayList<>();
        long first = due.add(List.of(watched("a", Duration.ofSeconds(1))), heard::add, T0);
        due.add(List.of(watched("b", Duration.ofSeconds(1))), other::add, T0);

        due.remove(first);
        report(T0.plusSeconds(1), agent("a", "critical", "b", "critical"));
        assertThat(heard).isEmpty();
        assertThat(other).extracting(CheckStatus::check).containsExactly("check-b");
        assertThat(due.size()).isEqualTo(1);

        due.remove(1);
        assertThat(due.size()).isZero();
        assertThat(due.nextRead(T0)).isEmpty();
        assertThat(due.anyDue(T0.plusSeconds(100))).isFalse();
    }
}
