package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner is killed with SIGKILL while its listener is being told a task started, before the runner does anything
 * else: a new runner must reattach that task (not start it a second time) and report its real exit code.
 */
@Tag("real")
class SigkillAtStartedTest {
    @TempDir
    Path root;

    @Test
    void aTaskWhoseStartedEventWasSeenIsReattachedAfterTheRunnerIsKilledRightThen() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path state = root.resolve("state");
        Path data = root.resolve("data");
        Path runs = root.resolve("runs");
        String script = "echo run >> '" + runs + "'; sleep 1; exit 7";
        String allocId;
        List<Long> leftover;

        try (ChildRunner child = ChildRunner.startMain(
                root.resolve("child.log"),
                FrozenAtStartedRunner.class.getName(),
                state.toString(),
                data.toString(),
                script)) {
            await().atMost(WAIT).until(() -> child.count("started ") == 1 || !child.process.isAlive());
            assertThat(child.lines()).as("the child runner's output").anyMatch(l -> l.startsWith("started "));
            allocId = child.lines().stream()
                    .filter(l -> l.startsWith("started "))
                    .findFirst()
                    .orElseThrow()
                    .substring("started ".length());
            child.sigkill();
        }

        try (TaskRunner runner =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            RecoveryReport report = runner.recover();

            assertThat(report.unreadable()).isEmpty();
            assertThat(report.reattached()).as("tasks reattached").isEqualTo(1);
            assertThat(report.relaunched()).as("tasks started again").isZero();
            AllocationStatus status = runner.allocation(allocId).orElseThrow().await(WAIT);
            TaskStatus task = status.tasks().get("t");
            assertThat(task.lastExit())
                    .hasValueSatisfying(e -> assertThat(e.exitCode()).isEqualTo(7));
            assertThat(task.events()).extracting(e -> e.type()).doesNotContain(TaskEventType.FAILED_RESTORING_TASK);
            assertThat(Files.readAllLines(runs)).as("times the task ran").hasSize(1);
        } finally {
            leftover = RawExec.killAll(Set.of(allocId)); // even when an assertion failed
        }
        assertThat(leftover).as("processes of the task left running").isEmpty();
    }
}
