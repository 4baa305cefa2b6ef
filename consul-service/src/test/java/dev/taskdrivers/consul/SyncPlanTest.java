package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.services.CheckType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncPlanTest {
    private final ServiceIds ids = new ServiceIds("_td");

    private static WantedCheck check(String id) {
        return new WantedCheck(
                id,
                "c",
                CheckType.TCP,
                "127.0.0.1:80",
                null,
                Map.of(),
                false,
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                null,
                List.of(),
                null);
    }

    private static WantedService wanted(String id, String... checkIds) {
        return new WantedService(
                id,
                "web",
                List.of("a"),
                "10.0.0.1",
                80,
                Map.of("k", "v"),
                java.util.Arrays.stream(checkIds).map(SyncPlanTest::check).toList());
    }

    private static AgentSnapshot.Service have(String id) {
        return new AgentSnapshot.Service(id, "web", List.of("a"), "10.0.0.1", 80, Map.of("k", "v"));
    }

    private static AgentSnapshot.Check haveCheck(String id, String serviceId) {
        return new AgentSnapshot.Check(id, "c", serviceId, "passing", "");
    }

    @Test
    void nothingToWriteWhenTheAgentMatches() {
        WantedService w = wanted("_td-task-1", "_td-check-1");
        AgentSnapshot agent = new AgentSnapshot(
                Map.of(w.id(), have(w.id())), Map.of("_td-check-1", haveCheck("_td-check-1", w.id())));

        assertThat(SyncPlan.compute(Map.of(w.id(), w), agent, ids, true, Set.of())
                        .isEmpty())
                .isTrue();
    }

    @Test
    void missingChangedOrCheckChangedServicesAreRegistered() {
        WantedService missing = wanted("_td-task-1", "_td-check-1");
        WantedService tagsChanged = wanted("_td-task-2");
        WantedService checkChanged = wanted("_td-task-3", "_td-check-new");
        AgentSnapshot agent = new AgentSnapshot(
                Map.of(
                        tagsChanged.id(),
                        new AgentSnapshot.Service(
                                tagsChanged.id(), "web", List.of("b"), "10.0.0.1", 80, Map.of("k", "v")),
                        checkChanged.id(),
                        have(checkChanged.id())),
                Map.of("_td-check-old", haveCheck("_td-check-old", checkChanged.id())));

        SyncPlan plan = SyncPlan.compute(
                Map.of(missing.id(), missing, tagsChanged.id(), tagsChanged, checkChanged.id(), checkChanged),
                agent,
                ids,
                true,
                Set.of());

        assertThat(plan.register()).containsExactlyInAnyOrder(missing, tagsChanged, checkChanged);
        assertThat(plan.deregisterServices()).isEmpty();
    }

    @Test
    void foreignServicesAndChecksAreNeverTouched() {
        AgentSnapshot agent = new AgentSnapshot(
                Map.of("redis", have("redis"), "_td_x-task-1", have("_td_x-task-1")),
                Map.of(
                        "redis-check",
                        haveCheck("redis-check", "redis"),
                        "_td_x-check-1",
                        haveCheck("_td_x-check-1", "_td_x-task-1")));

        SyncPlan plan = SyncPlan.compute(Map.of(), agent, ids, true, Set.of());

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void unwantedServicesOfOursWaitForProbationUnlessExplicitlyRemoved() {
        AgentSnapshot agent = new AgentSnapshot(
                Map.of("_td-task-restored", have("_td-task-restored"), "_td-task-removed", have("_td-task-removed")),
                Map.of());

        SyncPlan during = SyncPlan.compute(Map.of(), agent, ids, false, Set.of("_td-task-removed"));
        SyncPlan after = SyncPlan.compute(Map.of(), agent, ids, true, Set.of());

        assertThat(during.deregisterServices()).containsExactly("_td-task-removed");
        assertThat(after.deregisterServices()).containsExactlyInAnyOrder("_td-task-restored", "_td-task-removed");
    }

    @Test
    void ourChecksLeftOnNoServiceOfOursAreRemoved() {
        AgentSnapshot agent =
                new AgentSnapshot(Map.of(), Map.of("_td-check-orphan", haveCheck("_td-check-orphan", "")));

        assertThat(SyncPlan.compute(Map.of(), agent, ids, true, Set.of()).deregisterChecks())
                .containsExactly("_td-check-orphan");
        assertThat(SyncPlan.compute(Map.of(), agent, ids, false, Set.of()).deregisterChecks())
                .isEmpty();
    }
}
