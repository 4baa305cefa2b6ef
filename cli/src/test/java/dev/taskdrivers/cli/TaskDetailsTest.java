package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskDetailsTest {
    private static final TaskId WEB = new TaskId("a1", "job", "g", 0, "web");

    @Test
    void describesTheHostPortsTheDriverNetworkAndTheAllocDirectory() {
        TaskStatus status = new TaskStatus(
                WEB,
                "docker",
                TaskState.RUNNING,
                false,
                0,
                Optional.empty(),
                List.of(),
                List.of(new Port("http", 24001, "127.0.0.1"), new Port("admin", 24002, "127.0.0.1")),
                Optional.of(DriverNetwork.builder()
                        .ip("172.17.0.2")
                        .port("http", 80)
                        .port("admin", 9000)
                        .build()),
                Path.of("/data/alloc/a1"),
                Path.of("/data/alloc/a1/web"));

        assertThat(TaskDetails.describe(status))
                .isEqualTo("ports http=127.0.0.1:24001, admin=127.0.0.1:24002;"
                        + " network 172.17.0.2 (admin -> 9000, http -> 80); alloc dir /data/alloc/a1");
    }

    @Test
    void aTaskWithoutPortsOrNetworkShowsItsAllocDirectory() {
        TaskStatus status = new TaskStatus(
                WEB,
                "raw_exec",
                TaskState.RUNNING,
                false,
                0,
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                Path.of("/data/alloc/a1"),
                null);

        assertThat(TaskDetails.describe(status)).isEqualTo("alloc dir /data/alloc/a1");
    }
}
