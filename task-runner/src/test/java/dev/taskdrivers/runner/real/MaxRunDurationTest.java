package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch group's {@code max_run_duration} with real processes: a {@code sleep 3600} task is killed at the deadline
 * counted from the allocation's start, also by a runner that recovered the allocation, and the allocation ends
 * complete, described as stopped by it, without its poststop task.
 */
@Tag("real")
class MaxRunDurationTest {
    private static final String KILL_MESSAGE = "Task killed: allocation exceeded its max_run_duration of ";

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    private static TaskSpec sleeper() {
        return TaskSpec.of("sleep", "raw_exec", Map.of("command", "sleep", "args", List.of("3600")))
                .withRestart(RestartPolicy.NEVER);
    }

    private static TaskSpec poststop() {
        return RawExec.shell("poststop", "touch \"$NOMAD_ALLOC_DIR/poststop-ran\"").toBuilder()
                .lifecycle(TaskLifecycle.poststop())
                .build();
    }

    private static JobSpec job(Duration maxRun, TaskSpec... tasks) {
        return JobSpec.batch(
                "deadline",
                List.of(GroupSpec.builder("g")
                        .maxRunDuration(maxRun)
                        .tasks(List.of(tasks))
                        .build()));
    }

    private static Instant killedAt(TaskStatus task) {
        return task.events().stream()
                .filter(e -> e.type() == TaskEventType.KILLING && e.message().startsWith(KILL_MESSAGE))
                .map(TaskEvent::time)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no max_run_duration kill event in " + task.events()));
    }

    @Test
    void aTaskRunningPastTheDeadlineIsKilledTheAllocationCompletesDescribedAndItsPoststopNeverStarts()
            throws Exception {
        Instant submitted = Instant.now();
        AllocationHandle alloc = real.runner()
                .submit(job(Duration.ofSeconds(2), sleeper(), poststop()))
                .get(0);
        AllocationStatus status = alloc.await(WAIT);
        Path dir = status.tasks().get("poststop").allocDir(); // NOMAD_ALLOC_DIR

        assertThat(status.finished()).isTrue();
        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(status.description()).contains("allocation exceeded max_run_duration of 2s");
        TaskStatus sleep = status.tasks().get("sleep");
        assertThat(sleep.state()).isEqualTo(TaskState.DEAD);
        assertThat(sleep.failed()).isFalse();
        assertThat(sleep.events()).extracting(TaskEvent::message).contains(KILL_MESSAGE + "2s");
        assertThat(killedAt(sleep)).isAfterOrEqualTo(submitted.plusSeconds(2));
        TaskStatus post = status.tasks().get("poststop");
        assertThat(post.state()).isEqualTo(TaskState.DEAD);
        assertThat(post.events()).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
        assertThat(Files.exists(dir.resolve("poststop-ran"))).isFalse();
    }

    @Test
    void aJobEndingBeforeTheDeadlineCompletesWithoutADescriptionAndRunsItsPoststop() throws Exception {
        AllocationHandle alloc = real.runner()
                .submit(job(Duration.ofMinutes(10), RawExec.shell("quick", "exit 0"), poststop()))
                .get(0);
        AllocationStatus status = alloc.await(WAIT);
        Path dir = status.tasks().get("poststop").allocDir(); // NOMAD_ALLOC_DIR

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(status.description()).isEmpty();
        assertThat(status.tasks().get("quick").succeeded()).isTrue();
        assertThat(status.tasks().get("quick").events())
                .extracting(TaskEvent::message)
                .noneMatch(m -> m.startsWith(KILL_MESSAGE));
        assertThat(Files.exists(dir.resolve("poststop-ran"))).isTrue();
    }

    @Test
    void aRunnerRecoveringTheAllocationBeforeTheDeadlineKillsItAtTheOriginalDeadline() throws Exception {
        Duration maxRun = Duration.ofSeconds(4);
        Instant submitted = Instant.now();
        AllocationHandle first =
                real.runner().submit(job(maxRun, sleeper(), poststop())).get(0);
        await().atMost(WAIT).until(() -> first.status().tasks().get("sleep").state() == TaskState.RUNNING);
        real.closeRunner(); // leaves sleep running, as a runner killed would
        // the runner stays down for half the deadline: counted from the recovery, the kill would come 2s late
        await().atMost(WAIT).until(() -> Instant.now().isAfter(submitted.plus(maxRun.dividedBy(2))));

        Instant recovering = Instant.now();
        RecoveryReport report = real.newRunner().recover();
        assertThat(report.reattached()).isEqualTo(1);
        AllocationHandle recovered = report.allocations().get(0);
        AllocationStatus status = recovered.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(status.description()).contains("allocation exceeded max_run_duration of 4s");
        Instant killed = killedAt(status.tasks().get("sleep"));
        assertThat(killed).isAfterOrEqualTo(submitted.plus(maxRun)).isBefore(recovering.plus(maxRun));
        assertThat(status.tasks().get("poststop").events())
                .extracting(TaskEvent::type)
                .doesNotContain(TaskEventType.STARTED);
    }

    @Test
    void aDeadlinePassedWhileNoRunnerRanEndsTheRecoveredAllocationAtOnce() throws Exception {
        Duration maxRun = Duration.ofSeconds(2);
        Instant submitted = Instant.now();
        AllocationHandle first =
                real.runner().submit(job(maxRun, sleeper(), poststop())).get(0);
        await().atMost(WAIT).until(() -> first.status().tasks().get("sleep").state() == TaskState.RUNNING);
        real.closeRunner();
        await().atMost(WAIT).until(() -> Instant.now().isAfter(submitted.plus(maxRun)));

        Instant recovering = Instant.now();
        AllocationHandle recovered = real.newRunner().recover().allocations().get(0);
        AllocationStatus status = recovered.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(status.description()).contains("allocation exceeded max_run_duration of 2s");
        assertThat(killedAt(status.tasks().get("sleep")))
                .as("killed on recovery, not a max_run_duration after it")
                .isBefore(recovering.plus(maxRun));
        assertThat(status.tasks().get("poststop").events())
                .extracting(TaskEvent::type)
                .doesNotContain(TaskEventType.STARTED);
    }
}
