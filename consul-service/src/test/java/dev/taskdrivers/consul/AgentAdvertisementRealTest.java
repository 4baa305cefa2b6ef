package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The embedding process's own services: advertised with their checks, removed on close; task services stay. */
@Tag("real")
class AgentAdvertisementRealTest {
    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
    }

    @AfterEach
    void tearDown() {
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
    }

    @Test
    void agentServicesGoOnCloseAndTaskServicesStay() {
        ConsulServiceRegistry registry =
                ConsulServiceRegistry.start(TestAgent.options().withIdPrefix(prefix));
        TaskId id = taskId("web");
        registry.advertiseAgent(new AgentServices(
                "node-1",
                List.of(service("taskdrivers-api", "api", tcp("api-tcp"))),
                "127.0.0.1",
                List.of(port("api", 18500))));
        registry.registerTask(task(id, List.of(port("http", 18500)), null, service("web", "http", tcp("web-tcp"))));
        registry.flush().join();
        String agentId = registry.ids().agentService("node-1", "taskdrivers-api", "api");
        String taskId = registry.ids().taskService(id, "web", "http");
        assertThat(TestAgent.services()).containsKeys(agentId, taskId);
        assertThat(TestAgent.services().get(agentId)).containsEntry("Port", 18500);
        assertThat(TestAgent.checks().values()).anyMatch(c -> agentId.equals(c.get("ServiceID")));

        registry.close();

        assertThat(TestAgent.services()).doesNotContainKey(agentId).containsKey(taskId);
    }
}
