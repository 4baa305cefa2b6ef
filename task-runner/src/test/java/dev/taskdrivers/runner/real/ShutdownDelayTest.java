package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.KILLED;
import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.WAITING_FOR_SHUTDOWN_DELAY;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code shutdown_delay} with a real process: on stop the task's service is withdrawn at once, and the task is sent
 * its kill signal only after the group's and its own delay; a trap in the task records when the signal came.
 */
@Tag("real")
class ShutdownDelayTest {
    InProcessServiceRegistry registry = new InProcessServiceRegistry();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.serviceRegistry(registry));

    private JobSpec job(Path signalled) {
        TaskSpec web = RawExec.shell(
                        "web", "trap 'date +%s%N > " + signalled + "; exit 0' TERM; while true; do sleep 0.05; done")
                .toBuilder()
                .ports(PortSpec.dynamic("http"))
                .service(ServiceSpec.builder("delayed-web").port("http"))
                .shutdownDelay(Duration.ofMillis(1200))
                .build();
        return JobSpec.service(
                "delay",
                List.of(GroupSpec.builder("g")
                        .shutdownDelay(Duration.ofMillis(800))
                        .task(web)
                        .build()));
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    /** Stops {@code alloc}; returns when the signal came, in nanoseconds after the stop was asked for. */
    private long stopAndTimeTheSignal(AllocationHandle alloc, Path signalled) throws Exception {
        Instant asked = Instant.now();
        CompletableFuture<AllocationStatus> stopped = alloc.stop();

        assertThat(registry.services("delayed-web"))
                .as("withdrawn as the stop begins")
                .isEmpty();
        assertThat(signalled).as("no signal yet").doesNotExist();
        AllocationStatus status = stopped.get();

        assertThat(types(status.tasks().get("web").events()))
                .containsSubsequence(WAITING_FOR_SHUTDOWN_DELAY, KILLING, KILLED);
        long signalAt = Long.parseLong(Files.readString(signalled).trim());
        return signalAt - (asked.getEpochSecond() * 1_000_000_000L + asked.getNano());
    }

    @Test
    void theServiceIsWithdrawnFirstAndTheSignalComesAfterTheGroupsAndTheTasksDelay() throws Exception {
        Path signalled = real.root().resolve("signalled");
        AllocationHandle alloc = real.runner().submit(job(signalled)).get(0);
        await().atMost(WAIT).until(() -> registry.services("delayed-web").size() == 1);

        long afterNanos = stopAndTimeTheSignal(alloc, signalled);

        assertThat(Duration.ofNanos(afterNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
        TaskEvent waiting = alloc.events("web").stream()
                .filter(e -> e.type() == WAITING_FOR_SHUTDOWN_DELAY)
                .findFirst()
                .orElseThrow();
        assertThat(waiting.details()).containsEntry("shutdown_delay_ms", "2000");
    }

    @Test
    void aRecoveredAllocationKeepsBothDelays() throws Exception {
        Path signalled = real.root().resolve("signalled");
        AllocationHandle first = real.runner().submit(job(signalled)).get(0);
        await().atMost(WAIT).until(() -> types(first.events("web")).contains(STARTED));
        real.closeRunner(); // the task goes on running
        registry = new InProcessServiceRegistry();
        AllocationHandle recovered = real.newRunner().recover().allocations().get(0);
        assertThat(registry.services("delayed-web")).hasSize(1);

        long afterNanos = stopAndTimeTheSignal(recovered, signalled);

        assertThat(Duration.ofNanos(afterNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }
}
