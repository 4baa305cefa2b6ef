package dev.taskdrivers.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service registry that throws, and recoveries that fail half-way: no task is detached, started twice or lost. */
class RegistryAndRecoveryFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private final FakeDriver fake = new FakeDriver();
    private final FaultyDriver driver = new FaultyDriver(fake);
    private final FaultyRegistry registry = new FaultyRegistry();

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void aRegistryThatThrowsOnRegisterLeavesTheTaskWatchedAndSaysSo() throws Exception {
        registry.fail(FaultyRegistry.Call.REGISTER);
        try (TaskRunner runner = runner()) {
            AllocationHandle alloc =
                    runner.submit(job(Map.of("run_ms", 200, "exit_code", 3))).get(0);

            AllocationStatus status = alloc.await(WAIT);

            // the task was watched: its exit was seen and ended it, not left running unwatched
            var web = status.tasks().get("faulty-web");
            assertThat(DriverFaultsTest.types(web.events()))
                    .contains(TaskEventType.STARTED, TaskEventType.TASK_HOOK_FAILED, TaskEventType.TERMINATED);
            assertThat(web.events())
                    .anySatisfy(e -> assertThat(e.message())
                            .contains("registering the task's services failed")
                            .contains("registry refused REGISTER"));
            assertThat(web.lastExit().orElseThrow().exitCode()).isEqualTo(3);
        }
    }

    @Test
    void aRegistryThatThrowsOnRemoveStillLetsTheTaskBeKilled() throws Exception {
        try (TaskRunner runner = runner()) {
            AllocationHandle alloc = runner.submit(job(Map.of("run_ms", -1))).get(0);
            await().atMost(WAIT).until(() -> registry.delegate.services("web").size() == 1);
            registry.fail(FaultyRegistry.Call.REMOVE);

            AllocationStatus status = alloc.stop().get();

            assertThat(DriverFaultsTest.types(status.tasks().get("faulty-web").events()))
                    .contains(TaskEventType.TASK_HOOK_FAILED, TaskEventType.KILLED);
            assertThat(fake.running.values()).allSatisfy(h -> assertThat(h.exit).isDone());
        }
    }

    @Test
    void aRecoveredTaskWhoseRegistrationThrowsIsNeitherStartedTwiceNorUnwatched() throws Exception {
        AllocationHandle first;
        try (TaskRunner runner = runner()) {
            first = runner.submit(job(Map.of("run_ms", -1))).get(0);
            await().atMost(WAIT)
                    .until(() -> first.status().tasks().get("faulty-web").state() == TaskState.RUNNING
                            && registry.delegate.services("web").size() == 1);
        }
        registry.fail(FaultyRegistry.Call.REGISTER);
        registry.fail(FaultyRegistry.Call.RECOVERY_COMPLETE);

        try (TaskRunner second = runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.relaunched()).isZero();
            assertThat(fake.calls.stream().filter(c -> c.equals("start faulty-web")))
                    .hasSize(1);
            AllocationHandle alloc = second.allocation(first.id()).orElseThrow();
            assertThat(alloc.events("faulty-web"))
                    .anySatisfy(e -> assertThat(e.type()).isEqualTo(TaskEventType.TASK_HOOK_FAILED));
            // still watched: a stop reaches it and it ends
            AllocationStatus status = alloc.stop().get();
            assertThat(DriverFaultsTest.types(status.tasks().get("faulty-web").events()))
                    .contains(TaskEventType.KILLED);
            assertThat(fake.running.values()).allSatisfy(h -> assertThat(h.exit).isDone());
        }
    }

    @Test
    void oneAllocationsRecoveryFailureDoesNotStopTheOthers() throws Exception {
        AllocationHandle broken;
        AllocationHandle healthy;
        try (TaskRunner runner = runner()) {
            broken = runner.submit(job(Map.of("run_ms", -1))).get(0);
            healthy = runner.submit(JobSpec.batch(
                            "other",
                            List.of(GroupSpec.of(
                                    "g",
                                    List.of(TaskSpec.of("healthy", FakeDriver.NAME, Map.of("run_ms", -1))
                                            .withRestart(RestartPolicy.NEVER))))))
                    .get(0);
            await().atMost(WAIT)
                    .until(() -> fake.running.size() == 2
                            && broken.status().tasks().get("faulty-web").state() == TaskState.RUNNING
                            && healthy.status().tasks().get("healthy").state() == TaskState.RUNNING);
        }
        driver.arm(SpiCall.RECOVER, () -> new OutOfMemoryError("boom while reattaching"));

        try (TaskRunner second = runner()) {
            RecoveryReport report = second.recover();

            // the task whose reattach failed is still found running by its id and taken over, not started twice
            assertThat(report.reattached()).isEqualTo(2);
            assertThat(report.relaunched()).isZero();
            assertThat(second.allocation(healthy.id())
                            .orElseThrow()
                            .status()
                            .tasks()
                            .get("healthy")
                            .state())
                    .isEqualTo(TaskState.RUNNING);
            AllocationHandle failed = second.allocation(broken.id()).orElseThrow();
            assertThat(failed.events("faulty-web")).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(TaskEventType.FAILED_RESTORING_TASK);
                assertThat(e.message()).contains("boom while reattaching");
            });
            assertThat(failed.status().tasks().get("faulty-web").state()).isEqualTo(TaskState.RUNNING);
            assertThat(fake.calls.stream().filter(c -> c.equals("start faulty-web")))
                    .hasSize(1);
            second.stopAll(WAIT);
        }
    }

    @Test
    void aDriverFailingToLookForAnUnrecordedStartLeavesTheTaskToBeStartedAgain() throws Exception {
        AllocationHandle first;
        try (TaskRunner runner = runner()) {
            first = runner.submit(job(Map.of("run_ms", -1))).get(0);
            await().atMost(WAIT)
                    .until(() -> first.status().tasks().get("faulty-web").state() == TaskState.RUNNING);
        }
        // as a runner killed between the start and the write of the handle leaves the state file
        Path file = root.resolve("state").resolve(first.id()).resolve("faulty-web.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(file.toFile());
        state.put("status", "PENDING");
        state.putNull("handle");
        json.writeValue(file.toFile(), state);
        driver.arm(SpiCall.FIND_UNRECORDED, () -> new IllegalStateException("boom while looking"));

        try (TaskRunner second = runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.relaunched()).isEqualTo(1);
            AllocationHandle recovered = second.allocation(first.id()).orElseThrow();
            assertThat(recovered.events("faulty-web")).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(TaskEventType.FAILED_RESTORING_TASK);
                assertThat(e.message())
                        .contains("cannot tell whether the task is still running")
                        .contains("boom while looking");
            });
            await().atMost(WAIT)
                    .until(() -> fake.calls.stream()
                                    .filter(c -> c.equals("start faulty-web"))
                                    .count()
                            == 2);
            assertThat(second.stopAll(WAIT)).isTrue();
        }
        fake.running.values().forEach(h -> h.exit.complete(ExitResult.exited(0)));
    }

    private TaskRunner runner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(driver)), root.resolve("data/drivers"), Map.of()))
                .serviceRegistry(registry)
                .cleanupRetryDelays(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)))
                .build();
    }

    private static JobSpec job(Map<String, Object> config) {
        TaskSpec web = TaskSpec.of("faulty-web", FakeDriver.NAME, config)
                .withRestart(RestartPolicy.NEVER)
                .withPorts(List.of(PortSpec.dynamic("http")))
                .withServices(List.of(ServiceSpec.builder("web").port("http").build()));
        return JobSpec.batch("faults", List.of(GroupSpec.of("g", List.of(web))));
    }
}
