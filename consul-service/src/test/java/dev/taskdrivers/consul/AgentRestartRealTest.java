package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.script;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.TaskServices;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The agent is killed while the registry syncs and started again (dev mode: it comes back empty). Operations made
 * while it was down are all applied when it returns, and the script check is refreshed at once.
 */
@Tag("real")
class AgentRestartRealTest {
    private ConsulServiceRegistry registry;
    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        ConsulOptions options = TestAgent.options();
        prefix = options.idPrefix();
        registry = ConsulServiceRegistry.start(options);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (!TestAgent.hasLeader()) {
                TestAgent.start();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (prefix != null) {
                TestAgent.deregisterAll(prefix);
            }
        }
    }

    private Set<String> ours() {
        return TestAgent.services().keySet().stream()
                .filter(id -> id.startsWith(prefix + "-"))
                .collect(Collectors.toSet());
    }

    @Test
    void everythingConvergesAfterTheAgentComesBack() throws Exception {
        TaskId a = taskId("a");
        TaskId b = taskId("b");
        TaskId c = taskId("c");
        TaskServices taskA = task(a, List.of(port("http", 18500)), null, service("svc", "http", tcp("a-tcp")));
        TaskServices taskB = task(
                b,
                List.of(port("http", 18500)),
                new ProcessTaskHandle(),
                service("svc", "http", script("b-script", Duration.ofSeconds(5), "true")));
        TaskServices taskC = task(c, List.of(port("http", 18500)), null, service("svc", "http", tcp("c-tcp")));
        registry.registerTask(taskA);
        registry.registerTask(taskB);
        registry.flush().join();
        String aId = registry.ids().taskService(a, "svc", "http");
        String bId = registry.ids().taskService(b, "svc", "http");
        String cId = registry.ids().taskService(c, "svc", "http");
        assertThat(ours()).containsExactlyInAnyOrder(aId, bId);

        TestAgent.stop();
        long failuresBefore = registry.counters().syncFailures();
        registry.removeTask(taskA);
        registry.registerTask(taskC);
        await().atMost(10, TimeUnit.SECONDS).until(() -> registry.counters().syncFailures() > failuresBefore);

        TestAgent.start();
        await().atMost(15, TimeUnit.SECONDS).until(() -> ours().equals(Set.of(bId, cId)));
        // the script check's TTL was refreshed at once, not after its TTL ran out
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> TestAgent.checks().values().stream()
                        .anyMatch(ch -> bId.equals(ch.get("ServiceID")) && "passing".equals(ch.get("Status"))));
        assertThat(TestAgent.checks().values().stream()
                        .filter(ch -> ((String) ch.get("CheckID")).startsWith(prefix + "-"))
                        .count())
                .isEqualTo(2);
    }
}
