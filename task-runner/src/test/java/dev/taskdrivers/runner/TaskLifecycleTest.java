package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.restart;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static dev.taskdrivers.runner.TaskEventType.DRIVER;
import static dev.taskdrivers.runner.TaskEventType.DRIVER_FAILURE;
import static dev.taskdrivers.runner.TaskEventType.KILLED;
import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.LEADER_TASK_DEAD;
import static dev.taskdrivers.runner.TaskEventType.NOT_RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RECEIVED;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.SIBLING_TASK_FAILED;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TASK_SETUP;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's lifecycle logic over an in-memory driver. */
class TaskLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    RunnerFixture fx;
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        fx = new RunnerFixture(root);
        runner = fx.runner();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(WAIT);
        runner.close();
    }

    @Test
    void successfulTaskGoesThroughEveryStepInOrderAndIsCleanedUp() throws Exception {
        AllocationHandle alloc = runner.submit(job(task("web", Map.of("exit_code", 0, "run_ms", 20))))
                .get(0);

        AllocationStatus status = alloc.await(WAIT);

        assertThat(types(alloc.events("web"))).containsExactly(RECEIVED, TASK_SETUP, DRIVER, STARTED, TERMINATED);
        TaskStatus web = status.tasks().get("web");
        assertThat(web.succeeded()).isTrue();
        assertThat(web.lastExit())
                .hasValueSatisfying(e -> assertThat(e.exitCode()).isZero());
        assertThat(status.failed()).isFalse();
        assertThat(fx.driver.calls).containsExactly("prestart web", "start web", "cleanup web");
        Path taskDir = fx.dataDir.resolve("alloc").resolve(alloc.id()).resolve("web");
        assertThat(taskDir.resolve("local")).isDirectory();
        assertThat(Files.getPosixFilePermissions(taskDir.resolve("secrets"))).hasSize(3);
        assertThat(fx.log).contains("web:Started", "web:Terminated");
    }

    @Test
    void failModeRestartsUpToTheAttemptsThenGivesUp() throws Exception {
        TaskSpec failing = task("worker", Map.of("exit_code", 3, "run_ms", 5))
                .withRestart(restart(2, Duration.ofMinutes(5), Duration.ofMillis(10), RestartPolicy.Mode.FAIL));

        AllocationStatus status = runner.submit(job(failing)).get(0).await(WAIT);

        TaskStatus worker = status.tasks().get("worker");
        assertThat(types(worker.events()))
                .containsSubsequence(
                        STARTED,
                        TERMINATED,
                        RESTARTING,
                        STARTED,
                        TERMINATED,
                        RESTARTING,
                        STARTED,
                        TERMINATED,
                        NOT_RESTARTING);
        assertThat(types(worker.events()).stream().filter(t -> t == STARTED)).hasSize(3);
        assertThat(worker.restarts()).isEqualTo(2);
        assertThat(worker.failed()).isTrue();
        assertThat(worker.lastExit().orElseThrow().exitCode()).isEqualTo(3);
        assertThat(worker.events().get(worker.events().size() - 1).message())
                .contains("Exceeded allowed attempts 2")
                .contains("\"fail\"");
    }

    @Test
    void delayModeWaitsForTheIntervalToEndInsteadOfFailing() throws Exception {
        TaskSpec failing = task("worker", Map.of("exit_code", 1, "run_ms", 5))
                .withRestart(restart(1, Duration.ofMillis(1500), Duration.ZERO, RestartPolicy.Mode.DELAY));
        AllocationHandle alloc = runner.submit(job(failing)).get(0);

        await().atMost(WAIT)
                .until(() -> alloc.events("worker").stream()
                        .anyMatch(e -> e.message().contains("mode is \"delay\"")));
        TaskEvent delayed = alloc.events("worker").stream()
                .filter(e -> e.message().contains("mode is \"delay\""))
                .findFirst()
                .orElseThrow();
        long delayMs = Long.parseLong(delayed.details().get("restart_delay_ms"));
        assertThat(delayMs).isPositive().isLessThanOrEqualTo(1500);
        await().atMost(WAIT)
                .until(() -> types(alloc.events("worker")).stream()
                                .filter(t -> t == STARTED)
                                .count()
                        >= 3);

        AllocationStatus status = alloc.stop().get();
        assertThat(types(status.tasks().get("worker").events())).doesNotContain(NOT_RESTARTING);
        assertThat(status.tasks().get("worker").failed()).isFalse();
    }

    @Test
    void restartsOutsideTheIntervalDoNotCountTowardsTheAttempts() throws Exception {
        TaskSpec failing = task("worker", Map.of("exit_code", 1, "run_ms", 60))
                .withRestart(restart(1, Duration.ofMillis(40), Duration.ZERO, RestartPolicy.Mode.FAIL));
        AllocationHandle alloc = runner.submit(job(failing)).get(0);

        await().atMost(WAIT).until(() -> alloc.status().tasks().get("worker").restarts() >= 3);
        assertThat(types(alloc.events("worker"))).doesNotContain(NOT_RESTARTING);
        alloc.stop().get();
    }

    @Test
    void deadLeaderStopsItsSiblingsWithoutFailingThem() throws Exception {
        TaskSpec leader = task("main", Map.of("run_ms", 50)).withLeader(true);
        TaskSpec sidecar = task("sidecar", Map.of("run_ms", -1));

        AllocationStatus status = runner.submit(job(leader, sidecar)).get(0).await(WAIT);

        assertThat(types(status.tasks().get("sidecar").events()))
                .containsSubsequence(STARTED, LEADER_TASK_DEAD, KILLING, KILLED);
        assertThat(status.tasks().get("sidecar").succeeded()).isTrue();
        assertThat(status.failed()).isFalse();
    }

    @Test
    void failedTaskStopsItsSiblingsAndFailsTheAllocation() throws Exception {
        TaskSpec broken = task("broken", Map.of("exit_code", 2, "run_ms", 30));
        TaskSpec other = task("other", Map.of("run_ms", -1));

        AllocationStatus status = runner.submit(job(broken, other)).get(0).await(WAIT);

        assertThat(types(status.tasks().get("other").events()))
                .containsSubsequence(STARTED, SIBLING_TASK_FAILED, KILLING, KILLED);
        assertThat(status.tasks().get("broken").failed()).isTrue();
        assertThat(status.failed()).isTrue();
    }

    @Test
    void killWaitsTheKillTimeoutThenForces() throws Exception {
        TaskSpec stubborn =
                task("stubborn", Map.of("run_ms", -1, "ignore_term", true)).withKill(Duration.ofMillis(200), "SIGINT");
        AllocationHandle alloc = runner.submit(job(stubborn)).get(0);
        await().atMost(WAIT).until(() -> types(alloc.events("stubborn")).contains(STARTED));

        AllocationStatus status = alloc.stop().get();

        List<TaskEvent> events = status.tasks().get("stubborn").events();
        assertThat(types(events)).endsWith(KILLING, KILLED);
        assertThat(events.get(events.size() - 2).message()).contains("SIGINT").contains("200ms");
        assertThat(events.get(events.size() - 1).details()).containsEntry("signal", "9");
    }

    @Test
    void recoverableCleanupErrorsAreRetried() throws Exception {
        runner.submit(job(task("web", Map.of("run_ms", 5, "cleanup_failures", 2))))
                .get(0)
                .await(WAIT);

        assertThat(fx.driver.cleanupCalls).hasValue(3);
        assertThat(fx.driver.calls).contains("cleanup web");
    }

    @Test
    void recoverableStartFailureFollowsTheRestartPolicy() throws Exception {
        TaskSpec flaky = task("flaky", Map.of("fail_start", "recoverable"))
                .withRestart(restart(1, Duration.ofMinutes(1), Duration.ofMillis(5), RestartPolicy.Mode.FAIL));

        AllocationStatus status = runner.submit(job(flaky)).get(0).await(WAIT);

        assertThat(types(status.tasks().get("flaky").events()))
                .containsSubsequence(DRIVER_FAILURE, RESTARTING, DRIVER_FAILURE, NOT_RESTARTING);
        assertThat(status.failed()).isTrue();
    }

    @Test
    void fatalStartFailureFailsWithoutRestart() throws Exception {
        TaskSpec broken = task("broken", Map.of("fail_start", "fatal"))
                .withRestart(restart(3, Duration.ofMinutes(1), Duration.ofMillis(5), RestartPolicy.Mode.FAIL));

        AllocationStatus status = runner.submit(job(broken)).get(0).await(WAIT);

        assertThat(types(status.tasks().get("broken").events()))
                .endsWith(DRIVER_FAILURE)
                .doesNotContain(RESTARTING);
        assertThat(status.failed()).isTrue();
    }

    @Test
    void tasksSeeTheirOwnAndTheirSiblingsPortsAndTheNomadVariables() throws Exception {
        TaskSpec api = task("api", Map.of("run_ms", -1)).withPorts(List.of(PortSpec.dynamic("http")));
        TaskSpec db = task("db", Map.of("run_ms", -1))
                .withPorts(List.of(PortSpec.fixed("pg", 25432)))
                .withEnv(Map.of("MODE", "primary"));
        AllocationHandle alloc = runner.submit(job(api, db)).get(0);
        await().atMost(WAIT).until(() -> fx.driver.startedEnv.size() == 2);

        Map<String, String> apiEnv = fx.driver.startedEnv.get("api");
        Map<String, String> dbEnv = fx.driver.startedEnv.get("db");
        int http = Integer.parseInt(apiEnv.get("NOMAD_PORT_http"));
        assertThat(http).isBetween(20000, 32000);
        assertThat(apiEnv)
                .containsEntry("NOMAD_PORT_db_pg", "25432")
                .containsEntry("NOMAD_TASK_NAME", "api")
                .containsEntry("NOMAD_ALLOC_ID", alloc.id())
                .containsEntry("NOMAD_JOB_NAME", "job1")
                .containsEntry("NOMAD_ADDR_http", "127.0.0.1:" + http);
        assertThat(dbEnv)
                .containsEntry("NOMAD_PORT_pg", "25432")
                .containsEntry("NOMAD_PORT_api_http", Integer.toString(http))
                .containsEntry("MODE", "primary");
        assertThat(apiEnv.get("NOMAD_ALLOC_DIR")).isEqualTo(dbEnv.get("NOMAD_ALLOC_DIR"));
    }

    @Test
    void aStaticPortHeldByAnotherAllocationIsRefused() {
        TaskSpec a = task("a", Map.of("run_ms", -1)).withPorts(List.of(PortSpec.fixed("http", 25555)));
        runner.submit(job(a));

        assertThatThrownBy(() -> runner.submit(job(a)))
                .hasMessageContaining("25555")
                .hasMessageContaining("already held");
    }

    @Test
    void invalidDriverConfigIsRefusedAtSubmitWithThePath() {
        JobSpec bad = job(task("web", Map.of("exit_code", "zero", "colour", "blue")));

        assertThatThrownBy(() -> runner.submit(bad))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("job.groups[0].tasks[0].config.exit_code: must be a whole number")
                .hasMessageContaining("job.groups[0].tasks[0].config.colour: unknown option");
    }

    @Test
    void stoppingATaskThatWaitsForItsRestartKillsItAtOnce() throws Exception {
        TaskSpec failing = task("worker", Map.of("exit_code", 1, "run_ms", 5))
                .withRestart(restart(5, Duration.ofMinutes(5), Duration.ofMinutes(5), RestartPolicy.Mode.FAIL));
        AllocationHandle alloc = runner.submit(job(failing)).get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("worker").state() == TaskState.RESTARTING);

        AllocationStatus status = alloc.stop().get();

        assertThat(types(status.tasks().get("worker").events())).endsWith(RESTARTING, KILLED);
    }
}
