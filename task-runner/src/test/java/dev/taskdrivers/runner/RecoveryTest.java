package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static dev.taskdrivers.runner.TaskEventType.DRIVER;
import static dev.taskdrivers.runner.TaskEventType.FAILED_RESTORING_TASK;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskdrivers.runner.internal.state.StateStore;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery logic over the in-memory driver (the real thing is in RecoveryAfterSigkillTest). */
class RecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void reattachesLiveTasksRelaunchesLostOnesAndSkipsCorruptFiles() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        AllocationHandle live;
        AllocationHandle lost;
        AllocationHandle corrupt;
        try (TaskRunner first = fx.runner()) {
            live = first.submit(job(task("live", Map.of("run_ms", -1)))).get(0);
            lost = first.submit(job(task("lost", Map.of("run_ms", -1)))).get(0);
            corrupt = first.submit(job(task("corrupt", Map.of("run_ms", -1)))).get(0);
            await().atMost(WAIT)
                    .until(() -> fx.driver.running.size() == 3
                            && types(lost.events("lost")).contains(STARTED)
                            && types(live.events("live")).contains(STARTED));
        }
        fx.driver.running.keySet().removeIf(k -> k.startsWith(lost.id())); // it vanished while no runner watched
        Path corruptFile = fx.stateDir.resolve(corrupt.id()).resolve("corrupt.json");
        Files.writeString(corruptFile, "{\"format\": 1, \"allocId\"");

        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.relaunched()).isEqualTo(1);
            assertThat(report.unreadable()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo(corruptFile);
                assertThat(p.toString()).contains(corruptFile.toString());
            });
            assertThat(fx.registry.isRecoveryComplete()).isTrue();
            AllocationHandle relaunched = second.allocation(lost.id()).orElseThrow();
            await().atMost(WAIT)
                    .until(() -> types(relaunched.events("lost")).stream()
                                    .filter(t -> t == STARTED)
                                    .count()
                            == 2);
            assertThat(types(relaunched.events("lost"))).containsSubsequence(STARTED, FAILED_RESTORING_TASK, STARTED);

            assertThat(second.stopAll(WAIT)).isTrue();
            assertThat(second.allocation(live.id())
                            .orElseThrow()
                            .status()
                            .tasks()
                            .get("live")
                            .state())
                    .isEqualTo(TaskState.DEAD);
        }
        fx.driver.running.get(corrupt.id() + "/corrupt").exit.complete(dev.taskdrivers.api.ExitResult.exited(0));
    }

    @Test
    void aSubmittedTaskIsInTheStateDirectoryWhenSubmitReturnsThoughItsPreparationIsStillRunning() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle alloc = runner.submit(job(task("pull", Map.of("prestart_gated", true, "run_ms", -1))))
                    .get(0);

            try {
                assertThat(new StateStore(fx.stateDir).loadAll().tasks())
                        .singleElement()
                        .satisfies(t -> {
                            assertThat(t.allocId()).isEqualTo(alloc.id());
                            assertThat(t.status()).isEqualTo("PENDING");
                        });
                assertThat(alloc.events("pull")).extracting(e -> e.type()).doesNotContain(STARTED);
            } finally {
                fx.driver.prestartGate.countDown(); // else close() waits for the held prestart, which outlives it
            }
            await().atMost(WAIT).until(() -> types(alloc.events("pull")).contains(STARTED));
            assertThat(runner.stopAll(WAIT)).isTrue();
        }
    }

    @Test
    void aRecoveredServiceTaskIsStillRestartedWhenItExitsSuccessfully() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        TaskSpec web = task("web", Map.of("run_ms", -1))
                .withRestart(RunnerFixture.restart(1, Duration.ofMinutes(1), Duration.ZERO, RestartPolicy.Mode.FAIL));
        AllocationHandle first = fx.startedOnARunnerThatThenStops(
                JobSpec.service("svc", List.of(GroupSpec.of("g", List.of(web)))), "web");

        try (TaskRunner second = fx.runner()) {
            assertThat(second.recover().reattached()).isEqualTo(1);
            fx.driver.running.get(first.id() + "/web").exit.complete(dev.taskdrivers.api.ExitResult.exited(0));

            AllocationHandle recovered = second.allocation(first.id()).orElseThrow();
            await().atMost(WAIT)
                    .until(() -> types(recovered.events("web")).stream()
                                    .filter(t -> t == STARTED)
                                    .count()
                            == 2);
            assertThat(types(recovered.events("web"))).containsSubsequence(STARTED, TERMINATED, RESTARTING, STARTED);
            assertThat(second.stopAll(WAIT)).isTrue();
        }
    }

    @Test
    void aTaskThatEndedBeforeTheRunnerStoppedIsReportedAsFinished() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        String allocId;
        try (TaskRunner first = fx.runner()) {
            AllocationHandle done = first.submit(job(task("done", Map.of("exit_code", 4, "run_ms", 1))))
                    .get(0);
            done.await(WAIT);
            allocId = done.id();
        }
        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.finished()).isEqualTo(1);
            AllocationStatus status = second.allocation(allocId).orElseThrow().await(WAIT);
            assertThat(status.tasks().get("done").lastExit().orElseThrow().exitCode())
                    .isEqualTo(4);
            assertThat(status.failed()).isTrue();

            second.forget(allocId);
            assertThat(second.allocation(allocId)).isEmpty();
            assertThat(fx.stateDir.resolve(allocId)).doesNotExist();
        }
    }

    @Test
    void aRunningTaskWhoseStateBreaksTodaysRulesIsStillTakenOver() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        AllocationHandle alloc = fx.startedOnARunnerThatThenStops(job(task("old", Map.of("run_ms", -1))), "old");
        // as an earlier runner wrote a Java-built spec it did not check: restarts with no interval
        Path file = fx.stateDir.resolve(alloc.id()).resolve("old.json");
        Files.writeString(
                file,
                Files.readString(file)
                        .replace("\"attempts\":0,\"interval\":\"1800000ms\"", "\"attempts\":2,\"interval\":\"0ms\""));
        assertThat(Files.readString(file)).contains("\"interval\":\"0ms\"");

        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.unreadable()).isEmpty();
            assertThat(fx.driver.calls.stream().filter(c -> c.startsWith("start ")))
                    .hasSize(1);
            second.stopAll(WAIT);
        }
    }

    @Test
    void aTaskWhoseServiceNamesTheGroupPortOfASiblingWithAnUnreadableStateIsStillTakenOver() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        TaskSpec server = task("server", Map.of("run_ms", -1))
                .withPorts(List.of(PortSpec.dynamic("http").inGroupNetwork()));
        TaskSpec registrar = task("registrar", Map.of("run_ms", -1))
                .withServices(List.of(ServiceSpec.builder("web").port("http").build()));
        AllocationHandle alloc = fx.startedOnARunnerThatThenStops(job(server, registrar), "registrar");
        Files.writeString(fx.stateDir.resolve(alloc.id()).resolve("server.json"), "{\"format\": 1, \"allocId\"");

        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.unreadable()).hasSize(1);
            AllocationHandle recovered = second.allocation(alloc.id()).orElseThrow();
            assertThat(recovered.status().tasks().get("registrar").state()).isEqualTo(TaskState.RUNNING);
            assertThat(second.stopAll(WAIT)).isTrue();
        }
        fx.driver.running.get(alloc.id() + "/server").exit.complete(dev.taskdrivers.api.ExitResult.exited(0));
    }

    @Test
    void aTaskStartedRightBeforeTheRunnerDiedWithoutRecordingItsHandleIsTakenOverNotStartedTwice() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        AllocationHandle alloc = fx.startedOnARunnerThatThenStops(job(task("web", Map.of("run_ms", -1))), "web");
        Path file = fx.stateDir.resolve(alloc.id()).resolve("web.json");
        writtenBeforeTheHandle(file);

        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.relaunched()).isZero();
            assertThat(fx.driver.calls.stream().filter(c -> c.startsWith("start ")))
                    .hasSize(1);
            AllocationHandle recovered = second.allocation(alloc.id()).orElseThrow();
            assertThat(recovered.status().tasks().get("web").state()).isEqualTo(TaskState.RUNNING);
            assertThat(recovered.events("web")).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(DRIVER);
                assertThat(e.message()).contains("taken over");
            });
            // the handle is recorded now: a later runner reattaches it as usual
            assertThat(new StateStore(fx.stateDir).loadAll().tasks())
                    .singleElement()
                    .satisfies(t -> {
                        assertThat(t.status()).isEqualTo("RUNNING");
                        assertThat(t.handle()).isNotNull();
                    });

            assertThat(second.stopAll(WAIT)).isTrue();
            assertThat(fx.driver.running.get(alloc.id() + "/web").exit).isDone(); // stopped through the found handle
        }
    }

    /** The state file as a runner killed between the driver's start and its next write leaves it. */
    private static void writtenBeforeTheHandle(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(file.toFile());
        state.put("status", "PENDING");
        state.putNull("handle");
        json.writeValue(file.toFile(), state);
    }
}
