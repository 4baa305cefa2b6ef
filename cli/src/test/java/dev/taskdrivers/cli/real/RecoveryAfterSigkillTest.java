package dev.taskdrivers.cli.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.real.ChildRunner;
import dev.taskdrivers.runner.real.RawExec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner in its own JVM runs 20 raw_exec tasks and is killed with SIGKILL; a new runner on the same state directory
 * recovers all 20, including those that ended while no runner watched, and reports each real exit code.
 */
@Tag("real")
class RecoveryAfterSigkillTest {
    private static final int TASKS = 20;

    @TempDir
    Path root;

    @Test
    void aNewRunnerRecoversEveryTaskOfAKilledRunnerWithItsRealExitCode() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path spec = root.resolve("twenty.json");
        Files.writeString(spec, spec());
        Path state = root.resolve("state");
        Path data = root.resolve("data");
        Set<String> allocIds = new HashSet<>();

        try (ChildRunner child = ChildRunner.start(
                root.resolve("child.log"),
                "run",
                spec.toString(),
                "--state-dir",
                state.toString(),
                "--data-dir",
                data.toString())) {
            await().atMost(WAIT).until(() -> child.count(" Started ") == TASKS || !child.process.isAlive());
            assertThat(child.count(" Started "))
                    .as("tasks started by the child runner; its output: %s", child.lines())
                    .isEqualTo(TASKS);
            child.sigkill();
        }
        allocIds.addAll(allocationsIn(state));
        assertThat(allocIds).hasSize(TASKS);
        // let some tasks end while no runner watches them
        await().atMost(WAIT).until(() -> RawExec.processesOf(allocIds).size() < TASKS * 3);
        await().atMost(WAIT)
                .until(() ->
                        exitedCount(data) >= 2 || RawExec.processesOf(allocIds).isEmpty());

        try (TaskRunner runner =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            RecoveryReport report = runner.recover();

            assertThat(report.unreadable()).isEmpty();
            assertThat(report.allocations()).hasSize(TASKS);
            // a task may have ended while the killed runner still watched it: then it is already finished
            assertThat(report.relaunched()).as("tasks started a second time").isZero();
            assertThat(report.reattached() + report.finished()).isEqualTo(TASKS);
            assertThat(report.reattached()).isPositive();
            for (AllocationHandle alloc : report.allocations()) {
                AllocationStatus status = alloc.await(WAIT);
                TaskStatus task = status.tasks().values().iterator().next();
                int expected = expectedExitCode(status.allocName());
                assertThat(task.lastExit()).as(status.allocName()).hasValueSatisfying(e -> {
                    assertThat(e.exitCode()).isEqualTo(expected);
                    assertThat(e.signal()).isZero();
                });
                assertThat(task.events().stream().map(e -> e.type()))
                        .doesNotContain(TaskEventType.FAILED_RESTORING_TASK);
            }
        }
        assertThat(RawExec.processesOf(allocIds)).isEmpty();
        try (Stream<Path> entries = Files.list(data.resolve("alloc"))) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("allocation directories")
                    .containsExactlyInAnyOrderElementsOf(allocIds); // no spare tree of either runner is left
        }
    }

    /** Twenty single-task groups: group gN exits with 10+N after 2 + 0.1*N seconds. */
    private static String spec() {
        String groups = Stream.iterate(0, i -> i + 1)
                .limit(TASKS)
                .map(i -> String.format(Locale.ROOT, """
                {"name": "g%d", "restart": {"attempts": 0, "mode": "fail"},
                 "tasks": [{"name": "t", "driver": "raw_exec",
                            "config": {"command": "/bin/sh", "args": ["-c", "sleep %.1f; exit %d"]}}]}""", i, 2.0 + 0.1 * i, 10 + i))
                .collect(Collectors.joining(",\n"));
        return "{\"job\": {\"name\": \"twenty\", \"type\": \"batch\", \"groups\": [" + groups + "]}}";
    }

    private static int expectedExitCode(String allocName) {
        // twenty.gN[0]
        String group = allocName.substring(allocName.indexOf('.') + 2, allocName.indexOf('['));
        return 10 + Integer.parseInt(group);
    }

    private static Set<String> allocationsIn(Path state) throws IOException {
        try (Stream<Path> dirs = Files.list(state)) {
            return dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static long exitedCount(Path data) throws IOException {
        Path exits = data.resolve("drivers/raw_exec");
        if (!Files.isDirectory(exits)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(exits)) {
            return files.filter(p -> p.getParent().getFileName().toString().contains("exit"))
                    .count();
        }
    }
}
