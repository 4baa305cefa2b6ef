package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A port of the group's network is the group's, as in Nomad, with the real agent: a raw_exec task that was not
 * granted the port declares the consul service on it, the agent's http check of it passes, the service's address and
 * port are those granted to the task listening on it, and a runner (and registry) that took the tasks over keeps it
 * there.
 */
@Tag("real")
class GroupPortServiceRealTest {
    private static final Duration WAIT = ConsulRunner.WAIT;

    @RegisterExtension
    final ConsulRunner consul = new ConsulRunner();

    private static TaskSpec shell(String name, String script) {
        return TaskSpec.of(name, "raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c", script)))
                .withRestart(RestartPolicy.NEVER);
    }

    /** "server" holds the group port and serves its task directory on it; "registrar" only advertises it. */
    private static JobSpec job() {
        TaskSpec server = shell(
                        "server",
                        "echo ok > $NOMAD_TASK_DIR/health;"
                                + " exec /bin/busybox httpd -f -p $NOMAD_ADDR_http -h $NOMAD_TASK_DIR")
                .toBuilder()
                .ports(PortSpec.dynamic("http").inGroupNetwork())
                .build();
        TaskSpec registrar = shell("registrar", "exec sleep 300").toBuilder()
                .service(ServiceSpec.builder("gps-web")
                        .port("http")
                        .check(CheckSpec.http("/health")
                                .name("health")
                                .interval(Duration.ofSeconds(1))
                                .timeout(Duration.ofSeconds(1))))
                .build();
        return JobSpec.service("gps", List.of(GroupSpec.of("g", List.of(server, registrar))));
    }

    /** Our one check, once the agent has it. */
    private Map<String, Object> healthCheck() {
        List<Map<String, Object>> checks = consul.ours(TestAgent.checks()).values().stream()
                .filter(c -> "health".equals(c.get("Name")))
                .toList();
        assertThat(checks).hasSize(1);
        return checks.get(0);
    }

    @Test
    void aSiblingsServiceOnTheGroupPortIsRegisteredAtTheGrantedPortAndKeptByTheRunnerThatTakesOver() throws Exception {
        AllocationHandle alloc = consul.runner().submit(job()).get(0);
        Port granted = alloc.status().tasks().get("server").port("http").orElseThrow();
        assertThat(alloc.status().tasks().get("registrar").port("http"))
                .as("granted to the server only")
                .isEmpty();

        await().atMost(WAIT).untilAsserted(() -> assertThat(healthCheck()).containsEntry("Status", "passing"));
        Map<String, Map<String, Object>> services = consul.ours(TestAgent.services());
        assertThat(services).hasSize(1);
        String id = services.keySet().iterator().next();
        assertThat(services.get(id))
                .containsEntry("Service", "gps-web")
                .containsEntry("Address", granted.hostIp())
                .containsEntry("Port", granted.value());
        assertThat(healthCheck())
                .containsEntry("ServiceID", id)
                .extractingByKey("Output")
                .asString()
                .contains(granted.hostIp() + ":" + granted.value() + "/health");

        // the runner and its registry go, the tasks stay; the next ones keep the service until it is theirs again
        consul.takeOver(options -> options.withProbation(Duration.ofMinutes(1)));
        consul.runner().recover();
        consul.registry().flush().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(consul.ours(TestAgent.services()))
                .as("the service, registered again by the runner that took the tasks over")
                .containsOnlyKeys(id)
                .extractingByKey(id)
                .satisfies(s -> assertThat(s)
                        .containsEntry("Address", granted.hostIp())
                        .containsEntry("Port", granted.value()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(healthCheck()).containsEntry("Status", "passing"));
    }
}
