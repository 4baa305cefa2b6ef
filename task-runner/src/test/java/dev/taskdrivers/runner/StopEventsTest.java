package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Killing and Killed events say what really happened: a signal, or a driver's own way of stopping. */
class StopEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private List<TaskEvent> stopAndGetEvents(FakeDriver driver) throws Exception {
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(driver)), root.resolve("data/drivers"), Map.of()))
                .build()) {
            AllocationHandle alloc = runner.submit(RunnerFixture.job(RunnerFixture.task("vm", Map.of("run_ms", -1))))
                    .get(0);
            await().atMost(WAIT).until(() -> alloc.status().tasks().get("vm").state() == TaskState.RUNNING);
            return alloc.stop().get().tasks().get("vm").events();
        } finally {
            driver.close();
        }
    }

    @Test
    void aDriverWithoutSignalsIsNotSaidToHaveBeenSentOneNorToHaveBeenKilled() throws Exception {
        List<TaskEvent> events = stopAndGetEvents(new FakeDriver(false));

        assertThat(events)
                .filteredOn(e -> e.type() == TaskEventType.KILLING)
                .singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("Stopping task. Waiting 5.00s before force killing"));
        assertThat(events)
                .filteredOn(e -> e.type() == TaskEventType.KILLED)
                .singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("Task stopped (Exit Code: 0)"));
    }

    @Test
    void aDriverWithSignalsSaysWhichSignalItSent() throws Exception {
        List<TaskEvent> events = stopAndGetEvents(new FakeDriver(true));

        assertThat(events)
                .filteredOn(e -> e.type() == TaskEventType.KILLING)
                .singleElement()
                .satisfies(e -> assertThat(e.message())
                        .startsWith("Sent interrupt SIGTERM. Waiting 5.00s before force killing"));
        assertThat(events)
                .filteredOn(e -> e.type() == TaskEventType.KILLED)
                .singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("Task successfully killed"));
    }
}
