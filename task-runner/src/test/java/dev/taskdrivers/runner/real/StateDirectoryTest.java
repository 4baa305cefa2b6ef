package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.StateDirectory;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state directory read from outside its runner: task states, ports and the usage snapshots the runner keeps. */
@Tag("real")
class StateDirectoryTest {

    @TempDir
    Path root;

    @Test
    void showsTheRunningTasksWithTheirPortsAndTheLatestUsageSnapshot() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path state = root.resolve("state");
        AllocationHandle alloc;
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(state)
                .dataDir(root.resolve("data"))
                .usageSnapshots(Duration.ofMillis(200))
                .build()) {
            alloc = runner.submit(JobSpec.service(
                            "shop",
                            List.of(GroupSpec.of(
                                    "web",
                                    List.of(shell("server", "exec sleep 600")
                                            .withPorts(List.of(PortSpec.dynamic("http")))
                                            .withResources(250, 40))))))
                    .get(0);
            await().atMost(WAIT)
                    .until(() -> alloc.status().tasks().get("server").state() == TaskState.RUNNING);
            int granted = alloc.status()
                    .tasks()
                    .get("server")
                    .port("http")
                    .orElseThrow()
                    .value();

            await().atMost(WAIT)
                    .until(() -> StateDirectory.read(state)
                            .usage(alloc.id())
                            .map(u -> u.tasks().get("server").usage().memoryRssBytes() > 0)
                            .orElse(false));
            StateDirectory seen = StateDirectory.read(state);

            AllocationStatus status = seen.allocations().get(0);
            TaskStatus server = status.tasks().get("server");
            assertThat(status.allocName()).isEqualTo("shop.web[0]");
            assertThat(status.finished()).isFalse();
            assertThat(server.state()).isEqualTo(TaskState.RUNNING);
            assertThat(server.driver()).isEqualTo("raw_exec");
            assertThat(server.port("http"))
                    .hasValueSatisfying(p -> assertThat(p.value()).isEqualTo(granted));
            AllocationUsage usage = seen.usage(alloc.id()).orElseThrow();
            assertThat(usage.tasks().get("server").measured()).isTrue();
            assertThat(usage.total().cpuLimitMhz()).isEqualTo(250);
            assertThat(usage.total().memoryLimitBytes()).isEqualTo(40L * 1024 * 1024);
            // the snapshot lies next to the state files but is none: reading them does not trip over it
            assertThat(seen.problems()).isEmpty();

            assertThat(runner.stopAll(WAIT)).isTrue();
        }

        StateDirectory after = StateDirectory.read(state);
        assertThat(after.allocations().get(0).tasks().get("server").state()).isEqualTo(TaskState.DEAD);
        assertThat(after.allocations().get(0).finished()).isTrue();
        try (var files = Files.list(state.resolve(alloc.id()))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                    .as("half-written snapshots")
                    .isEmpty();
        }
        assertThat(RawExec.processesOf(Set.of(alloc.id()))).isEmpty();
    }

    @Test
    void aDirectoryThatDoesNotExistHoldsNothing() {
        StateDirectory seen = StateDirectory.read(root.resolve("none"));

        assertThat(seen.allocations()).isEmpty();
        assertThat(seen.problems()).isEmpty();
        assertThat(seen.usage("x")).isEmpty();
    }
}
