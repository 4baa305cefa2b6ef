package dev.taskdrivers.metrics.micrometer;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.consul.ConsulOptions;
import dev.taskdrivers.consul.ConsulServiceRegistry;
import dev.taskdrivers.consul.ConsulToken;
import dev.taskdrivers.consul.TestAgent;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.real.RawExec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters of a Consul registry advertising a real raw_exec task with script checks in the real agent. */
@Tag("real")
class ConsulRegistryMetricsTest {
    @TempDir
    Path root;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private String prefix;
    private ConsulServiceRegistry consul;
    private TaskRunner runner;
    private AllocationHandle alloc;

    @BeforeEach
    void setUp() throws Exception {
        TestAgent.require();
        RawExec.require(root.resolve("probe"));
        prefix = TestAgent.freshPrefix();
        consul = ConsulServiceRegistry.start(ConsulOptions.defaults()
                .withAddress(URI.create(TestAgent.ADDRESS))
                .withToken(ConsulToken.of(Files.readString(TestAgent.runDir().resolve("master-token"))
                        .trim()))
                .withIdPrefix(prefix)
                .withProbation(Duration.ZERO)
                .withShutdownTimeout(Duration.ofSeconds(5)));
        ConsulRegistryMetrics.bind(consul, meters);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
            // a timed-out script check's process must not outlive the task
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(RawExec.processesOf(Set.of(alloc.id())))
                            .as("processes of the task and its script checks")
                            .isEmpty());
        }
        if (consul != null) {
            consul.close();
            TestAgent.deregisterAll(prefix);
        }
    }

    private double counter(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).functionCounter().count();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private long ourServicesInTheAgent() {
        return TestAgent.services().keySet().stream()
                .filter(id -> id.startsWith(prefix + "-"))
                .count();
    }

    @Test
    void requestsSyncsScriptRunsAndWhatTheRegistryHoldsAreMeasured() throws Exception {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(consul)
                .build();
        TaskSpec task = RawExec.shell("server", "exec sleep 600").toBuilder()
                .ports(PortSpec.dynamic("http"))
                .service(ServiceSpec.builder("metered")
                        .port("http")
                        .check(CheckSpec.script("/bin/sh", "-c", "exit 0")
                                .name("ok")
                                .interval(Duration.ofMillis(500))
                                .timeout(Duration.ofSeconds(5)))
                        .check(CheckSpec.script("/bin/sh", "-c", "exec sleep 600")
                                .name("slow")
                                .interval(Duration.ofMillis(500))
                                .timeout(Duration.ofMillis(300))))
                .build();
        alloc = runner.submit(JobSpec.service("consulmetrics", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("server").state() == TaskState.RUNNING);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge(ConsulRegistryMetrics.SERVICES)).isEqualTo(1.0);
            assertThat(gauge(ConsulRegistryMetrics.CHECKS)).isEqualTo(2.0);
            assertThat(counter(ConsulRegistryMetrics.SCRIPT_RUNS, "outcome", "completed"))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(counter(ConsulRegistryMetrics.SCRIPT_RUNS, "outcome", "timed_out"))
                    .isGreaterThanOrEqualTo(1.0);
        });
        assertThat(ourServicesInTheAgent()).isEqualTo(1);
        assertThat(counter(ConsulRegistryMetrics.SYNCS, "outcome", "success")).isGreaterThanOrEqualTo(1.0);
        assertThat(counter(ConsulRegistryMetrics.SYNCS, "outcome", "failure")).isZero();
        assertThat(counter(ConsulRegistryMetrics.REQUESTS, "kind", "write")).isGreaterThanOrEqualTo(1.0);
        assertThat(counter(ConsulRegistryMetrics.REQUESTS, "kind", "read")).isGreaterThanOrEqualTo(1.0);
        double writes = counter(ConsulRegistryMetrics.REQUESTS, "kind", "write");

        assertThat(runner.stopAll(WAIT)).isTrue();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge(ConsulRegistryMetrics.SERVICES)).isZero();
            assertThat(gauge(ConsulRegistryMetrics.CHECKS)).isZero();
        });
        assertThat(ourServicesInTheAgent()).isZero();
        assertThat(counter(ConsulRegistryMetrics.REQUESTS, "kind", "write"))
                .as("the deregistration was written")
                .isGreaterThan(writes);
    }
}
