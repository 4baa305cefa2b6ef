package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.KILLED;
import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.LEADER_TASK_DEAD;
import static dev.taskdrivers.runner.TaskEventType.NOT_RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RECEIVED;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TASK_SETUP;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The runner driving real processes through raw_exec. */
@Tag("real")
class RawExecLifecycleTest {
    InProcessServiceRegistry registry = new InProcessServiceRegistry();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.serviceRegistry(registry));

    private static JobSpec job(TaskSpec... tasks) {
        return JobSpec.of("real", List.of(GroupSpec.of("g", List.of(tasks))));
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    @Test
    void aTaskRunsWithItsEnvironmentAndReportsItsExitCodeWithEventsInOrder() throws Exception {
        TaskSpec task = shell(
                        "hello",
                        "echo \"$GREETING from $NOMAD_TASK_NAME in $NOMAD_JOB_NAME\""
                                + " > \"$NOMAD_TASK_DIR/out\"; exit 0")
                .withEnv(Map.of("GREETING", "hi"));

        AllocationHandle alloc = real.runner().submit(job(task)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(types(alloc.events("hello"))).containsSubsequence(RECEIVED, TASK_SETUP, STARTED, TERMINATED);
        assertThat(status.tasks().get("hello").succeeded()).isTrue();
        Path out = real.allocDir(alloc).resolve("hello/local/out");
        assertThat(Files.readString(out)).isEqualTo("hi from hello in real\n");
    }

    @Test
    void aFailingTaskIsRestartedThenGivenUpWithItsRealExitCode() throws Exception {
        TaskSpec task = shell("flaky", "echo run >> \"$NOMAD_ALLOC_DIR/runs\"; exit 3")
                .withRestart(RestartPolicy.builder()
                        .attempts(1)
                        .interval(Duration.ofMinutes(1))
                        .delay(Duration.ofMillis(50))
                        .jitter(Duration.ZERO)
                        .build());

        AllocationHandle alloc = real.runner().submit(job(task)).get(0);
        TaskStatus status = alloc.await(WAIT).tasks().get("flaky");

        assertThat(types(status.events()))
                .containsSubsequence(STARTED, TERMINATED, RESTARTING, STARTED, TERMINATED, NOT_RESTARTING);
        assertThat(status.lastExit().orElseThrow().exitCode()).isEqualTo(3);
        assertThat(status.failed()).isTrue();
        assertThat(Files.readAllLines(real.allocDir(alloc).resolve("alloc/runs")))
                .hasSize(2);
    }

    @Test
    void whenTheLeaderEndsItsSiblingIsKilledAndNoProcessRemains() throws Exception {
        TaskSpec leader = shell("leader", "sleep 0.3").withLeader(true);
        TaskSpec sidecar = shell("sidecar", "sleep 60 & wait");

        AllocationHandle alloc = real.runner().submit(job(leader, sidecar)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(types(status.tasks().get("sidecar").events()))
                .containsSubsequence(STARTED, LEADER_TASK_DEAD, KILLING, KILLED);
        assertThat(status.failed()).isFalse();
        assertThat(RawExec.processesOf(Set.of(alloc.id()))).isEmpty();
    }

    @Test
    void aTaskIgnoringItsKillSignalIsForcedAfterTheKillTimeout() throws Exception {
        TaskSpec stubborn = shell(
                        "stubborn",
                        "trap '' TERM; echo ready > \"$NOMAD_TASK_DIR/ready\";" + " while true; do sleep 0.1; done")
                .withKill(Duration.ofMillis(700), "SIGTERM");
        AllocationHandle alloc = real.runner().submit(job(stubborn)).get(0);
        Path ready = real.allocDir(alloc).resolve("stubborn/local/ready");
        await().atMost(WAIT).until(() -> Files.exists(ready));

        long start = System.nanoTime();
        AllocationStatus status = alloc.stop().get();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        List<TaskEvent> events = status.tasks().get("stubborn").events();
        assertThat(types(events)).endsWith(KILLING, KILLED);
        assertThat(status.tasks().get("stubborn").lastExit().orElseThrow().signal())
                .isEqualTo(9);
        assertThat(tookMs).isGreaterThanOrEqualTo(700);
        assertThat(RawExec.processesOf(Set.of(alloc.id()))).isEmpty();
    }

    @Test
    void aRunningTaskAdvertisesItsServiceOnItsPortAndWithdrawsItWhenItEnds() throws Exception {
        TaskSpec web = shell("web", "echo $NOMAD_PORT_http > \"$NOMAD_TASK_DIR/port\"; sleep 60")
                .withPorts(List.of(PortSpec.dynamic("http")))
                .withServices(List.of(
                        ServiceSpec.builder("web-svc").tag("v1").port("http").build()));
        AllocationHandle alloc = real.runner().submit(job(web)).get(0);
        Path portFile = real.allocDir(alloc).resolve("web/local/port");
        await().atMost(WAIT).until(() -> Files.exists(portFile) && Files.size(portFile) > 0);

        int port = Integer.parseInt(Files.readString(portFile).trim());
        // the task can write its file before the runner, which registers after Started, got there
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(registry.services("web-svc"))
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.port()).isEqualTo(port);
                            assertThat(r.ip()).isEqualTo("127.0.0.1");
                            assertThat(r.tags()).containsExactly("v1");
                        }));

        alloc.stop().get();
        assertThat(registry.services("web-svc")).isEmpty();
    }

    @Test
    void aNewRunnerReattachesARunningTaskAndReRegistersItsService() throws Exception {
        // runs until the test lets it end, however long the runner's restart takes on a busy machine
        TaskSpec task = shell("survivor", "while [ ! -e \"$NOMAD_TASK_DIR/go\" ]; do sleep 0.1; done; exit 7")
                .withPorts(List.of(PortSpec.dynamic("p")))
                .withServices(
                        List.of(ServiceSpec.builder("survivor-svc").port("p").build()));
        AllocationHandle first = real.runner().submit(job(task)).get(0);
        await().atMost(WAIT).until(() -> types(first.events("survivor")).contains(STARTED));
        real.closeRunner();
        registry = new InProcessServiceRegistry();

        RecoveryReport report = real.newRunner().recover();

        assertThat(report.reattached()).isEqualTo(1);
        assertThat(report.unreadable()).isEmpty();
        assertThat(registry.services("survivor-svc")).hasSize(1);
        assertThat(registry.isRecoveryComplete()).isTrue();
        Files.writeString(real.allocDir(first).resolve("survivor/local/go"), "");
        AllocationStatus status = report.allocations().get(0).await(WAIT);
        assertThat(status.tasks().get("survivor").lastExit().orElseThrow().exitCode())
                .isEqualTo(7);
        assertThat(types(status.tasks().get("survivor").events()))
                .startsWith(RECEIVED)
                .containsSubsequence(STARTED, TERMINATED, NOT_RESTARTING);
    }
}
