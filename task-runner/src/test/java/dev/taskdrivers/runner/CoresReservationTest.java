package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.restart;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static dev.taskdrivers.runner.TaskEventType.RECEIVED;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.SETUP_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.runner.internal.HostCores;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resources.cores} is exclusive: a task holds its cores from before its first start until it ends for good, and
 * a task that finds too few free fails naming the field. The first task asks for every core this runner may use, so
 * this holds on a host of any size.
 */
class CoresReservationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private final int allCores = HostCores.usable().size();
    private final String allCoresSet =
            Resources.defaults().withReservedCores(HostCores.usable()).cpuset();

    private TaskSpec holdingEveryCore(String name, Map<String, Object> config) {
        return task(name, config).toBuilder().cores(allCores).build();
    }

    private static TaskSpec askingOneCore(String name) {
        return task(name, Map.of("run_ms", -1)).toBuilder().cores(1).build();
    }

    private void assertRefused(AllocationHandle alloc, String task) throws Exception {
        AllocationStatus status = alloc.await(WAIT);
        TaskStatus refused = status.tasks().get(task);
        assertThat(refused.failed()).isTrue();
        assertThat(types(refused.events())).containsExactly(RECEIVED, SETUP_FAILURE);
        assertThat(refused.events().get(1).message())
                .startsWith("resources.cores: the task asks for 1 core, but only 0 of the " + allCores)
                .contains("held by job1.group1[0]/");
    }

    @Test
    void aTaskFindingTooFewFreeCoresFailsBeforeTheDriverSeesItAndStartsOnceTheyAreFree() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle holder = runner.submit(job(holdingEveryCore("holder", Map.of("run_ms", -1))))
                    .get(0);
            await().atMost(WAIT).until(() -> fx.driver.startedEnv.containsKey("holder"));
            assertThat(fx.driver.startedEnv.get("holder")).containsEntry("NOMAD_CPU_CORES", allCoresSet);

            assertRefused(runner.submit(job(askingOneCore("late"))).get(0), "late");
            assertThat(fx.driver.calls)
                    .as("the driver never saw the refused task")
                    .noneMatch(c -> c.endsWith("late"));

            holder.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            runner.submit(job(askingOneCore("late")));
            await().atMost(WAIT).until(() -> fx.driver.startedEnv.containsKey("late"));
            assertThat(fx.driver.startedEnv.get("late"))
                    .containsEntry("NOMAD_CPU_CORES", HostCores.usable().get(0).toString());
            assertThat(runner.stopAll(WAIT)).isTrue();
        }
    }

    @Test
    void aTaskKeepsItsCoresWhileItWaitsToRestart() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        RestartPolicy later = restart(1, Duration.ofHours(1), Duration.ofMinutes(10), RestartPolicy.Mode.FAIL);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle holder = runner.submit(job(holdingEveryCore("holder", Map.of("exit_code", 1, "run_ms", 10))
                            .withRestart(later)))
                    .get(0);
            await().atMost(WAIT).until(() -> types(holder.events("holder")).contains(RESTARTING));

            assertRefused(runner.submit(job(askingOneCore("late"))).get(0), "late");
            assertThat(runner.stopAll(WAIT)).isTrue();
        }
    }

    @Test
    void aRecoveredTaskHoldsTheCoresItRecorded() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        AllocationHandle holder =
                fx.startedOnARunnerThatThenStops(job(holdingEveryCore("holder", Map.of("run_ms", -1))), "holder");
        assertThat(Files.readString(fx.stateDir.resolve(holder.id()).resolve("holder.json")))
                .contains("\"NOMAD_CPU_CORES\"");

        assertARecoveringRunnerKeepsEveryCoreForTheHolder(fx);
    }

    @Test
    void aRecoveredTaskWhoseStateRecordsNoCoresHoldsTheLowestOnesItRanOn() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        AllocationHandle holder =
                fx.startedOnARunnerThatThenStops(job(holdingEveryCore("holder", Map.of("run_ms", -1))), "holder");
        // as a runner that did not record them wrote it
        Path state = fx.stateDir.resolve(holder.id()).resolve("holder.json");
        Files.writeString(state, Files.readString(state).replaceAll("\"NOMAD_CPU_CORES\"\\s*:\\s*\"[^\"]*\"", ""));
        assertThat(Files.readString(state)).doesNotContain("NOMAD_CPU_CORES");

        assertARecoveringRunnerKeepsEveryCoreForTheHolder(fx);
    }

    /** A new runner reattaches the holder of every core and so refuses a task that asks for one. */
    private void assertARecoveringRunnerKeepsEveryCoreForTheHolder(RunnerFixture fx) throws Exception {
        try (TaskRunner second = fx.runner()) {
            assertThat(second.recover().reattached()).isEqualTo(1);

            assertRefused(second.submit(job(askingOneCore("late"))).get(0), "late");
            assertThat(second.stopAll(WAIT)).isTrue();
        }
    }

    @Test
    void twoTasksOfOneAllocationGetDifferentCores() throws Exception {
        assumeTrue(allCores >= 2, "needs two cores");
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            runner.submit(job(askingOneCore("a"), askingOneCore("b")));
            await().atMost(WAIT)
                    .until(() -> fx.driver.startedEnv.containsKey("a") && fx.driver.startedEnv.containsKey("b"));

            assertThat(List.of(
                            fx.driver.startedEnv.get("a").get("NOMAD_CPU_CORES"),
                            fx.driver.startedEnv.get("b").get("NOMAD_CPU_CORES")))
                    .containsExactlyInAnyOrder(
                            HostCores.usable().get(0).toString(),
                            HostCores.usable().get(1).toString());
            assertThat(runner.stopAll(WAIT)).isTrue();
        }
    }
}
