package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.TaskServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The sync loop against a real agent: foreign services, drift, probation after a restart, many tasks. */
@Tag("real")
class ConvergenceRealTest {
    /** Checks run rarely here: the agent shares two cores with everything else. */
    private static final Duration SLOW = Duration.ofSeconds(30);

    private final List<ConsulServiceRegistry> registries = new ArrayList<>();
    private final List<String> foreign = new ArrayList<>();
    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
    }

    @AfterEach
    void tearDown() {
        registries.forEach(ConsulServiceRegistry::close);
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
        foreign.forEach(TestAgent::deregister);
    }

    private ConsulServiceRegistry start(ConsulOptions options) {
        ConsulServiceRegistry r = ConsulServiceRegistry.start(options.withIdPrefix(prefix));
        registries.add(r);
        return r;
    }

    private static TaskServices webTask(TaskId id) {
        return task(id, List.of(port("http", 18500)), null, service("web", "http", tcp("web-tcp", SLOW)));
    }

    private Set<String> ours() {
        return TestAgent.services().keySet().stream()
                .filter(id -> id.startsWith(prefix + "-"))
                .collect(Collectors.toSet());
    }

    @Test
    void servicesItDoesNotOwnAreNeverTouched() {
        String plain = "foreign-" + prefix;
        String lookalike = prefix + "_other-task-x"; // another registry's prefix that merely starts like ours
        foreign.add(plain);
        foreign.add(lookalike);
        TestAgent.registerForeign(plain, "foreign");
        TestAgent.registerForeign(lookalike, "lookalike");
        ConsulServiceRegistry registry = start(TestAgent.options());
        registry.recoveryComplete();
        TaskServices task = webTask(taskId("web"));
        registry.registerTask(task);
        registry.flush().join();
        registry.removeTask(task);
        registry.flush().join();

        assertThat(ours()).isEmpty();
        assertThat(TestAgent.services()).containsKeys(plain, lookalike);
        assertThat(TestAgent.checks()).containsKeys(plain + "-ttl", lookalike + "-ttl");
    }

    @Test
    void aServiceDeletedInConsulComesBackAtTheNextResync() {
        ConsulServiceRegistry registry = start(TestAgent.options().withResyncInterval(Duration.ofMillis(500)));
        TaskId id = taskId("web");
        registry.registerTask(webTask(id));
        registry.flush().join();
        String serviceId = registry.ids().taskService(id, "web", "http");
        assertThat(ours()).containsExactly(serviceId);

        TestAgent.deregister(serviceId);
        assertThat(ours()).isEmpty();

        await().atMost(5, TimeUnit.SECONDS).until(() -> ours().contains(serviceId));
        assertThat(TestAgent.checks().values()).anyMatch(c -> serviceId.equals(c.get("ServiceID")));
    }

    @Test
    void afterARestartServicesOfRestoredTasksStayUntilRecoveryCompletes() {
        // the first runner registers two tasks, then goes away without removing them
        ConsulServiceRegistry first = start(TestAgent.options());
        TaskId kept = taskId("kept");
        TaskId gone = taskId("gone");
        first.registerTask(webTask(kept));
        first.registerTask(webTask(gone));
        first.flush().join();
        first.close();
        String keptId = first.ids().taskService(kept, "web", "http");
        String goneId = first.ids().taskService(gone, "web", "http");
        assertThat(ours()).containsExactlyInAnyOrder(keptId, goneId);

        // the next runner restores only one of them; during probation it removes neither
        ConsulServiceRegistry second = start(TestAgent.options().withProbation(Duration.ofMinutes(5)));
        second.flush().join();
        assertThat(ours()).containsExactlyInAnyOrder(keptId, goneId);
        second.registerTask(webTask(kept));
        second.flush().join();
        assertThat(ours()).containsExactlyInAnyOrder(keptId, goneId);

        second.recoveryComplete();
        await().atMost(5, TimeUnit.SECONDS).until(() -> ours().equals(Set.of(keptId)));
    }

    @Test
    void fiveHundredTasksConvergeAndLeaveNothingBehind() {
        ConsulServiceRegistry registry = start(TestAgent.options());
        List<TaskServices> tasks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            tasks.add(webTask(taskId("t" + i)));
        }
        tasks.forEach(registry::registerTask);
        registry.flush().join();

        assertThat(ours()).hasSize(500);
        assertThat(TestAgent.checks().keySet().stream().filter(id -> id.startsWith(prefix + "-")))
                .hasSize(500);
        assertThat(registry.counters().services()).isEqualTo(500);
        long writes = registry.counters().writes();

        tasks.forEach(registry::removeTask);
        registry.flush().join();
        assertThat(ours()).isEmpty();
        assertThat(TestAgent.checks().keySet()).noneMatch(id -> id.startsWith(prefix + "-"));
        assertThat(writes).isGreaterThanOrEqualTo(500);
    }
}
