package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.fake.FakeDriver.FakeHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner closed while a task's driver start is still in progress: once the start returns, the task's handle is
 * recorded and released (not left open by a runner that is gone), and the next runner reattaches it instead of
 * starting it a second time.
 */
class RunnerClosedDuringStartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void aStartThatReturnsAfterTheRunnerClosedIsRecordedReleasedAndReattachedByTheNextRunner() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        TaskRunner first = fx.runner();
        first.submit(job(task("web", Map.of("run_ms", -1, "start_gated", true))));
        await().atMost(WAIT).until(() -> fx.driver.calls.contains("start web"));

        Thread closer = new Thread(first::close, "closing-runner");
        closer.start();
        // close() lets go of the tasks first, then waits (with a timeout) for the driver calls in progress
        await().atMost(WAIT).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        fx.driver.startGate.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT.toSeconds()));

        assertThat(closer.isAlive()).isFalse();
        assertThat(fx.driver.running.values())
                .singleElement()
                .satisfies(h -> assertThat(h.closed)
                        .as("the closed runner released the handle it got")
                        .isTrue());
        FakeHandle started = fx.driver.running.values().iterator().next();

        try (TaskRunner second = fx.runner()) {
            RecoveryReport report = second.recover();

            assertThat(report.reattached()).isEqualTo(1);
            assertThat(report.relaunched()).isZero();
            assertThat(fx.driver.calls)
                    .as("started once, and found by its recorded handle, not searched for")
                    .filteredOn(c -> c.startsWith("start ") || c.startsWith("findUnrecorded "))
                    .containsExactly("start web");
            AllocationHandle alloc = report.allocations().get(0);
            assertThat(alloc.status().tasks().get("web").state()).isEqualTo(TaskState.RUNNING);
            assertThat(alloc.events("web")).extracting(TaskEvent::type).containsOnlyOnce(TaskEventType.STARTED);
            alloc.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(started.exit).isDone();
            assertThat(List.copyOf(fx.driver.running.values())).containsExactly(started);
        }
    }
}
