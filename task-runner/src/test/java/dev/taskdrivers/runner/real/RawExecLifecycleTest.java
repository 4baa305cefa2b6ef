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
import dev.taskdrivers.runner.TaskRunner;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner driving real processes through raw_exec. */
@Tag("real")
class RawExecLifecycleTest {
    private static final Set<String> ALL_ALLOCS = new HashSet<>();

    @TempDir
    Path root;

    InProcessServiceRegistry registry = new InProcessServiceRegistry();
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        RawExec.require(root.resolve("probe"));
        runner = newRunner();
    }

    private TaskRunner newRunner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(registry)
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.allocations().forEach(a -> ALL_ALLOCS.add(a.id()));
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertThat(RawExec.processesOf(ALL_ALLOCS))
                .as("processes of this test's tasks")
                .isEmpty();
    }

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

        AllocationHandle alloc = runner.submit(job(task)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(types(alloc.events("hello"))).containsSubsequence(RECEIVED, TASK_SETUP, STARTED, TERMINATED);
        assertThat(status.tasks().get("hello").succeeded()).isTrue();
        Path out = root.resolve("data/alloc").resolve(alloc.id()).resolve("hello/local/out");
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

        AllocationHandle alloc = runner.submit(job(task)).get(0);
        TaskStatus status = alloc.await(WAIT).tasks().get("flaky");

        assertThat(types(status.events()))
                .containsSubsequence(STARTED, TERMINATED, RESTARTING, STARTED, TERMINATED, NOT_RESTARTING);
        assertThat(status.lastExit().orElseThrow().exitCode()).isEqualTo(3);
        assertThat(status.failed()).isTrue();
        assertThat(Files.readAllLines(
                        root.resolve("data/alloc").resolve(alloc.id()).resolve("alloc/runs")))
                .hasSize(2);
    }

    @Test
    void whenTheLeaderEndsItsSiblingIsKilledAndNoProcessRemains() throws Exception {
        TaskSpec leader = shell("leader", "sleep 0.3").withLeader(true);
        TaskSpec sidecar = shell("sidecar", "sleep 60 & wait");

        AllocationHandle alloc = runner.submit(job(leader, sidecar)).get(0);
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
        AllocationHandle alloc = runner.submit(job(stubborn)).get(0);
        Path ready = root.resolve("data/alloc").resolve(alloc.id()).resolve("stubborn/local/ready");
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
        AllocationHandle alloc = runner.submit(job(web)).get(0);
        Path portFile = root.resolve("data/alloc").resolve(alloc.id()).resolve("web/local/port");
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
        AllocationHandle first = runner.submit(job(task)).get(0);
        await().atMost(WAIT).until(() -> types(first.events("survivor")).contains(STARTED));
        runner.close();
        registry = new InProcessServiceRegistry();

        runner = newRunner();
        RecoveryReport report = runner.recover();

        assertThat(report.reattached()).isEqualTo(1);
        assertThat(report.unreadable()).isEmpty();
        assertThat(registry.services("survivor-svc")).hasSize(1);
        assertThat(registry.isRecoveryComplete()).isTrue();
        Files.writeString(root.resolve("data/alloc").resolve(first.id()).resolve("survivor/local/go"), "");
        AllocationStatus status = report.allocations().get(0).await(WAIT);
        assertThat(status.tasks().get("survivor").lastExit().orElseThrow().exitCode())
                .isEqualTo(7);
        assertThat(types(status.tasks().get("survivor").events()))
                .startsWith(RECEIVED)
                .containsSubsequence(STARTED, TERMINATED, NOT_RESTARTING);
    }
}
