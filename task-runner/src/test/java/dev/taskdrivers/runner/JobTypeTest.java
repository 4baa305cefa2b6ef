package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.restart;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static dev.taskdrivers.runner.TaskEventType.KILLED;
import static dev.taskdrivers.runner.TaskEventType.LEADER_TASK_DEAD;
import static dev.taskdrivers.runner.TaskEventType.NOT_RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service and batch jobs, and the task commands' errors, over an in-memory driver. */
class JobTypeTest {
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

    private static JobSpec service(TaskSpec... tasks) {
        return JobSpec.service("svc", List.of(GroupSpec.of("g", List.of(tasks))));
    }

    @Test
    void aServiceTaskThatExitsSuccessfullyIsRestartedThenFailsWhenThePolicyIsUsedUp() throws Exception {
        TaskSpec web = task("web", Map.of("exit_code", 0, "run_ms", 5))
                .withRestart(restart(2, Duration.ofMinutes(5), Duration.ofMillis(5), RestartPolicy.Mode.FAIL));

        TaskStatus status =
                runner.submit(service(web)).get(0).await(WAIT).tasks().get("web");

        assertThat(types(status.events()))
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
        assertThat(status.restarts()).isEqualTo(2);
        assertThat(status.failed()).isTrue();
        assertThat(status.lastExit().orElseThrow().exitCode()).isZero();
    }

    @Test
    void aServiceTaskInDelayModeKeepsWaitingAndRestartingInsteadOfFailing() throws Exception {
        TaskSpec web = task("web", Map.of("exit_code", 0, "run_ms", 5))
                .withRestart(restart(1, Duration.ofMillis(400), Duration.ZERO, RestartPolicy.Mode.DELAY));
        AllocationHandle alloc = runner.submit(service(web)).get(0);

        await().atMost(WAIT)
                .until(() -> types(alloc.events("web")).stream()
                                .filter(t -> t == STARTED)
                                .count()
                        >= 3);

        assertThat(alloc.events("web")).anySatisfy(e -> assertThat(e.message()).contains("mode is \"delay\""));
        assertThat(types(alloc.events("web"))).doesNotContain(NOT_RESTARTING);
        assertThat(alloc.stop().get().tasks().get("web").failed()).isFalse();
    }

    @Test
    void aBatchTaskThatExitsSuccessfullyCompletes() throws Exception {
        TaskSpec job = task("job", Map.of("exit_code", 0, "run_ms", 5))
                .withRestart(restart(2, Duration.ofMinutes(5), Duration.ofMillis(5), RestartPolicy.Mode.FAIL));

        AllocationStatus status = runner.submit(JobSpec.batch("b", List.of(GroupSpec.of("g", List.of(job)))))
                .get(0)
                .await(WAIT);

        assertThat(types(status.tasks().get("job").events()))
                .endsWith(TERMINATED)
                .doesNotContain(RESTARTING);
        assertThat(status.tasks().get("job").succeeded()).isTrue();
    }

    @Test
    void aServiceLeaderThatDiesForGoodStillStopsItsSiblings() throws Exception {
        TaskSpec leader = task("main", Map.of("exit_code", 0, "run_ms", 20)).withLeader(true);
        TaskSpec sidecar = task("sidecar", Map.of("run_ms", -1));

        AllocationStatus status = runner.submit(service(leader, sidecar)).get(0).await(WAIT);

        assertThat(types(status.tasks().get("main").events())).endsWith(NOT_RESTARTING);
        assertThat(types(status.tasks().get("sidecar").events())).containsSubsequence(LEADER_TASK_DEAD, KILLED);
    }

    @Test
    void aDriverWithoutExecPassesItsUnsupportedErrorThrough() {
        AllocationHandle alloc =
                runner.submit(service(task("web", Map.of("run_ms", -1)))).get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").state() == TaskState.RUNNING);

        assertThatThrownBy(() -> alloc.exec("web", List.of("/bin/true"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessage("no exec");
    }

    @Test
    void aRequestedRestartDoesNotCountAgainstThePolicy() throws Exception {
        AllocationHandle alloc =
                runner.submit(service(task("web", Map.of("run_ms", -1)))).get(0);
        for (int i = 1; i <= 3; i++) {
            await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").state() == TaskState.RUNNING);
            alloc.restart("web");
            int restarts = i;
            await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").restarts() == restarts);
        }
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").state() == TaskState.RUNNING);

        assertThat(types(alloc.events("web"))).doesNotContain(NOT_RESTARTING);
        assertThat(types(alloc.events("web")).stream().filter(t -> t == STARTED))
                .hasSize(4);
    }
}
