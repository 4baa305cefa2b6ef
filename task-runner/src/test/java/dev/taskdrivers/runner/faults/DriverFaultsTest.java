package dev.taskdrivers.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A driver that throws a RuntimeException or an Error (which drivers must never do) from each SPI call in turn: every
 * time the allocation still completes, every task is accounted for and no task of the driver is left running.
 */
class DriverFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private final FakeDriver fake = new FakeDriver();
    private final FaultyDriver driver = new FaultyDriver(fake);
    private TaskRunner runner;

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
        fake.close();
    }

    static Stream<Arguments> faults() {
        Supplier<Throwable> runtime = () -> new IllegalStateException("boom from a driver bug");
        Supplier<Throwable> error = () -> new AssertionError("boom from a driver error");
        return Stream.of(
                        SpiCall.PRESTART,
                        SpiCall.START,
                        SpiCall.HANDLE_STATE,
                        SpiCall.EXIT_FUTURE,
                        SpiCall.STOP,
                        SpiCall.SIGNAL,
                        SpiCall.HANDLE_CLOSE,
                        SpiCall.CLEANUP)
                .flatMap(call ->
                        Stream.of(Arguments.of(call, "RuntimeException", runtime), Arguments.of(call, "Error", error)));
    }

    @ParameterizedTest(name = "{0} throws an {1}")
    @MethodSource("faults")
    void everyTaskIsAccountedForWhenADriverCallThrows(SpiCall call, String kind, Supplier<Throwable> fault)
            throws Exception {
        driver.arm(call, fault);
        runner = runner(new FaultyRegistry());
        AllocationHandle alloc = runner.submit(job()).get(0);

        if (call == SpiCall.SIGNAL) {
            awaitRunning(alloc, "faulty");
            assertThatThrownBy(() -> alloc.signal("faulty", "SIGHUP"))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.getMessage()).contains("signal").contains("boom");
                    });
            assertThat(alloc.status().tasks().get("faulty").state()).isEqualTo(TaskState.RUNNING);
        }
        if (List.of(SpiCall.STOP, SpiCall.SIGNAL, SpiCall.HANDLE_CLOSE, SpiCall.CLEANUP)
                .contains(call)) {
            awaitRunning(alloc, "faulty");
            alloc.stop();
        }

        AllocationStatus status = alloc.await(WAIT);

        assertThat(driver.fired(call)).as("the fault was thrown").isTrue();
        assertThat(status.finished()).isTrue();
        assertThat(status.tasks().values())
                .allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.DEAD));
        assertThat(fake.running.values())
                .as("tasks the driver still runs")
                .allSatisfy(h -> assertThat(h.exit).isDone());
        TaskStatus faulty = status.tasks().get("faulty");
        if (List.of(SpiCall.PRESTART, SpiCall.START, SpiCall.HANDLE_STATE, SpiCall.EXIT_FUTURE)
                .contains(call)) {
            assertThat(faulty.failed()).isTrue();
            assertThat(faulty.events()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(TaskEventType.DRIVER_FAILURE);
                assertThat(e.message()).contains("boom");
            });
            assertThat(types(status.tasks().get("sibling").events())).contains(TaskEventType.SIBLING_TASK_FAILED);
        }
        if (call == SpiCall.STOP) {
            assertThat(faulty.events())
                    .anySatisfy(e -> assertThat(e.message())
                            .contains("stopping the task failed (attempt 1), retrying")
                            .contains("boom"));
            assertThat(types(faulty.events())).contains(TaskEventType.KILLED);
        }
    }

    @Test
    void aStopThatAlwaysFailsIsGivenUpAsAFailureSoTheAllocationStillCompletes() throws Exception {
        runner = runner(new FaultyRegistry());
        AllocationHandle alloc = runner.submit(job()).get(0);
        awaitRunning(alloc, "faulty");
        driver.arm(SpiCall.STOP, () -> new IllegalStateException("boom, cannot stop"), Integer.MAX_VALUE);

        alloc.stop();
        AllocationStatus status = alloc.await(WAIT);

        TaskStatus faulty = status.tasks().get("faulty");
        assertThat(faulty.failed()).isTrue();
        assertThat(faulty.events())
                .last()
                .satisfies(e -> assertThat(e.message())
                        .contains("stopping the task failed 4 times, giving up on it (it may still be running)"));
        assertThat(status.tasks().get("sibling").state()).isEqualTo(TaskState.DEAD);
    }

    @Test
    void aFactoryThatThrowsEndsTheTaskWithADriverFailure() throws Exception {
        DriverFactory broken = new DriverFactory() {
            @Override
            public String name() {
                return FakeDriver.NAME;
            }

            @Override
            public int spiVersion() {
                return dev.taskdrivers.api.DriverApi.SPI_VERSION;
            }

            @Override
            public dev.taskdrivers.api.Driver create(dev.taskdrivers.api.DriverContext context) {
                throw new NoClassDefFoundError("com/example/MissingEngineClient");
            }
        };
        // validation is what a factory failure hits first: it is reported, not thrown as something else
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(List.of(broken), root.resolve("data/drivers"), Map.of()))
                .build();
        assertThatThrownBy(() -> runner.submit(job()))
                .isInstanceOf(dev.taskdrivers.api.ValidationException.class)
                .hasMessageContaining("MissingEngineClient");
    }

    @Test
    void aValidateThatThrowsIsAValidationProblemNotAnotherException() {
        driver.arm(SpiCall.VALIDATE, () -> new IllegalStateException("boom in validate"));
        runner = runner(new FaultyRegistry());

        assertThatThrownBy(() -> runner.submit(job()))
                .isInstanceOf(dev.taskdrivers.api.ValidationException.class)
                .hasMessageContaining("job.groups[0].tasks[0]")
                .hasMessageContaining("boom in validate");
        assertThat(fake.calls).isEmpty();
    }

    private TaskRunner runner(FaultyRegistry registry) {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(driver)), root.resolve("data/drivers"), Map.of()))
                .serviceRegistry(registry)
                .cleanupRetryDelays(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)))
                .build();
    }

    static JobSpec job() {
        TaskSpec faulty =
                TaskSpec.of("faulty", FakeDriver.NAME, Map.of("run_ms", -1)).withRestart(RestartPolicy.NEVER);
        TaskSpec sibling =
                TaskSpec.of("sibling", FakeDriver.NAME, Map.of("run_ms", -1)).withRestart(RestartPolicy.NEVER);
        return JobSpec.batch("faults", List.of(GroupSpec.of("g", List.of(faulty, sibling))));
    }

    static void awaitRunning(AllocationHandle alloc, String task) {
        await().atMost(WAIT)
                .until(() -> alloc.status().tasks().get(task).state() == TaskState.RUNNING
                        && types(alloc.events(task)).contains(TaskEventType.STARTED));
    }

    static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }
}
