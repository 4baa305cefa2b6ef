package dev.taskdrivers.metrics.micrometer;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.real.RawExec;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks gauge over the in-process registry running a real raw_exec task's script checks. */
@Tag("real")
class CheckMetricsTest {
    @TempDir
    Path root;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InProcessServiceRegistry services = new InProcessServiceRegistry();
    private TaskRunner runner;
    private AllocationHandle alloc;

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertThat(RawExec.processesOf(Set.of(alloc.id()))).isEmpty());
        }
        services.close();
    }

    private static CheckSpec.Builder exits(int code) {
        return CheckSpec.script("/bin/sh", "-c", "exit " + code)
                .name("exit-" + code)
                .interval(Duration.ofMillis(500))
                .timeout(Duration.ofSeconds(5));
    }

    private double checks(String status) {
        return meters.get(CheckMetrics.CHECKS).tag("status", status).gauge().value();
    }

    @Test
    void theGaugeCountsTheChecksByTheirLatestStatusAndDropsThemWithTheTask() throws Exception {
        RawExec.require(root.resolve("probe"));
        CheckMetrics.bind(services, meters);
        assertThat(checks("passing")).isZero();
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(services)
                .build();
        TaskSpec task = RawExec.shell("server", "exec sleep 600").toBuilder()
                .ports(PortSpec.dynamic("http"))
                .service(ServiceSpec.builder("checked")
                        .port("http")
                        .check(exits(0))
                        .check(exits(1))
                        .check(exits(2))
                        .check(exits(0).name("exit-0-again"))
                        .check(CheckSpec.grpc().name("grpc").interval(Duration.ofSeconds(1))))
                .build();
        alloc = runner.submit(JobSpec.service("checks", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("server").state() == TaskState.RUNNING);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Map.of(
                                "passing", checks("passing"),
                                "warning", checks("warning"),
                                "critical", checks("critical"),
                                "not_supported", checks("not_supported")))
                        .containsExactlyInAnyOrderEntriesOf(
                                Map.of("passing", 2.0, "warning", 1.0, "critical", 1.0, "not_supported", 1.0)));

        assertThat(runner.stopAll(WAIT)).isTrue();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                checks("passing") + checks("warning") + checks("critical") + checks("not_supported"))
                        .isZero());
    }
}
