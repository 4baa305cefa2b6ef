package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task its lifecycle hook holds back is not prepared (no task directory, no driver prestart) until its hook lets it
 * go, as in Nomad: the driver's calls show each task's preparation after what it waits for.
 */
class LifecyclePreparationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    RunnerFixture fixture;
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        fixture = new RunnerFixture(root);
        runner = fixture.runner();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.driver.startGate.countDown();
        runner.stopAll(WAIT);
        runner.close();
    }

    private static TaskSpec hooked(String name, TaskLifecycle lifecycle, Map<String, Object> config) {
        return task(name, config).toBuilder().lifecycle(lifecycle).build();
    }

    @Test
    void mainAndPoststopTasksArePreparedOnlyOnceWhatTheyWaitForIsDone() throws Exception {
        TaskSpec init = hooked("init", TaskLifecycle.prestart(), Map.of("run_ms", 1, "start_gated", true));
        TaskSpec main = task("main", Map.of("run_ms", 1));
        TaskSpec post = hooked("post", TaskLifecycle.poststop(), Map.of("run_ms", 1));
        AllocationHandle alloc = runner.submit(
                        JobSpec.of("prep", List.of(GroupSpec.of("g", List.of(init, main, post)))))
                .get(0);
        List<String> calls = fixture.driver.calls;

        await().atMost(WAIT).until(() -> calls.contains("start init")); // held in its start by the gate
        assertThat(calls).doesNotContain("prestart main", "prestart post");
        assertThat(types(alloc.events("main"))).containsExactly(TaskEventType.RECEIVED, TaskEventType.WAITING);
        assertThat(types(alloc.events("post"))).containsExactly(TaskEventType.RECEIVED, TaskEventType.WAITING);

        fixture.driver.startGate.countDown();
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(calls)
                .containsSubsequence("prestart init", "start init", "prestart main", "start main", "prestart post");
        assertThat(types(alloc.events("main")))
                .containsSubsequence(
                        TaskEventType.RECEIVED, TaskEventType.WAITING, TaskEventType.TASK_SETUP, TaskEventType.STARTED);
    }

    @Test
    void aTaskKilledWhileItWaitsForItsHookIsNeverPrepared() throws Exception {
        TaskSpec init = hooked("init", TaskLifecycle.prestart(), Map.of("run_ms", 1, "start_gated", true));
        TaskSpec main = task("main", Map.of("run_ms", 1));
        AllocationHandle alloc = runner.submit(JobSpec.of("prep", List.of(GroupSpec.of("g", List.of(init, main)))))
                .get(0);
        List<String> calls = fixture.driver.calls;
        await().atMost(WAIT).until(() -> types(alloc.events("main")).contains(TaskEventType.WAITING));

        alloc.stop();
        fixture.driver.startGate.countDown();
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("main").state()).isEqualTo(TaskState.DEAD);
        assertThat(types(alloc.events("main"))).contains(TaskEventType.KILLED).doesNotContain(TaskEventType.TASK_SETUP);
        assertThat(calls).doesNotContain("prestart main", "start main");
    }
}
