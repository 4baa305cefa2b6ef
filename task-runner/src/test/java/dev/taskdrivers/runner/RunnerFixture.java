package dev.taskdrivers.runner;

import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds runners over a {@link FakeDriver} with fast retry delays, and records every event. */
final class RunnerFixture {
    private static final Duration WAIT = Duration.ofSeconds(10);

    final FakeDriver driver = new FakeDriver();
    final InProcessServiceRegistry registry = new InProcessServiceRegistry();
    final List<String> log = new CopyOnWriteArrayList<>();
    final Path stateDir;
    final Path dataDir;

    RunnerFixture(Path root) {
        this.stateDir = root.resolve("state");
        this.dataDir = root.resolve("data");
    }

    TaskRunner runner() {
        return builder().build();
    }

    /** The builder of {@link #runner()}, for a test that sets more. */
    TaskRunner.Builder builder() {
        return TaskRunner.builder()
                .stateDir(stateDir)
                .dataDir(dataDir)
                .drivers(
                        DriverRegistry.of(List.of(new FakeDriverFactory(driver)), dataDir.resolve("drivers"), Map.of()))
                .serviceRegistry(registry)
                .cleanupRetryDelays(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)))
                .listener(this::record);
    }

    private void record(TaskId id, TaskEvent event) {
        log.add(id.taskName() + ":" + event.type().displayName());
    }

    /**
     * Runs {@code job} on a runner that is closed once {@code task} has started, as a runner that dies leaves it: the
     * fake driver's task keeps running and its state stays in {@link #stateDir} for the next runner to recover.
     */
    AllocationHandle startedOnARunnerThatThenStops(JobSpec job, String task) {
        try (TaskRunner first = runner()) {
            AllocationHandle alloc = first.submit(job).get(0);
            await().atMost(WAIT).until(() -> types(alloc.events(task)).contains(TaskEventType.STARTED));
            return alloc;
        }
    }

    static TaskSpec task(String name, Map<String, Object> config) {
        return TaskSpec.of(name, FakeDriver.NAME, config).withRestart(RestartPolicy.NEVER);
    }

    static JobSpec job(TaskSpec... tasks) {
        return JobSpec.of("job1", List.of(GroupSpec.of("group1", List.of(tasks))));
    }

    static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    static RestartPolicy restart(int attempts, Duration interval, Duration delay, RestartPolicy.Mode mode) {
        return RestartPolicy.builder()
                .attempts(attempts)
                .interval(interval)
                .delay(delay)
                .mode(mode)
                .jitter(Duration.ZERO)
                .build();
    }
}
