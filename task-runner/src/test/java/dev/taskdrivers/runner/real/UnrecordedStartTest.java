package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed after raw_exec started a task but before the task's handle reached its state file: the next runner
 * takes the running process over instead of starting the task a second time, and can stop it.
 */
@Tag("real")
class UnrecordedStartTest {
    @TempDir
    Path root;

    @Test
    void aTaskWhoseHandleNeverReachedTheStateFileIsTakenOverNotStartedTwice() throws Exception {
        RawExec.require(root.resolve("probe"));
        AllocationHandle alloc = null;
        try {
            Path starts;
            try (TaskRunner first = runner()) {
                alloc = first.submit(
                                JobSpec.of(
                                        "real",
                                        List.of(
                                                GroupSpec.of(
                                                        "g",
                                                        List.of(
                                                                RawExec.shell(
                                                                        "web",
                                                                        "echo $$ >> \"$NOMAD_ALLOC_DIR/starts\"; while :; do sleep 0.05; done"))))))
                        .get(0);
                starts = alloc.status().tasks().get("web").allocDir().resolve("starts");
                await().atMost(WAIT)
                        .until(() -> Files.exists(starts)
                                && Files.readAllLines(starts).size() == 1);
            } // the task keeps running, as when its runner is killed
            long pid = Long.parseLong(Files.readAllLines(starts).get(0));
            writtenBeforeTheHandle(root.resolve("state").resolve(alloc.id()).resolve("web.json"));

            try (TaskRunner second = runner()) {
                RecoveryReport report = second.recover();

                assertThat(report.reattached()).isEqualTo(1);
                assertThat(report.relaunched()).isZero();
                AllocationHandle recovered = second.allocation(alloc.id()).orElseThrow();
                assertThat(recovered.status().tasks().get("web").state()).isEqualTo(TaskState.RUNNING);
                assertThat(recovered.events("web")).anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(TaskEventType.DRIVER);
                    assertThat(e.message()).contains("taken over");
                });
                assertThat(Files.readAllLines(starts)).containsExactly(Long.toString(pid));

                assertThat(second.stopAll(WAIT)).isTrue();
                String allocId = alloc.id();
                await("the task's process to end")
                        .atMost(WAIT)
                        .until(() -> RawExec.processesOf(Set.of(allocId)).isEmpty());
                assertThat(Files.readAllLines(starts)).as("starts of the task").hasSize(1);
            }
        } finally {
            if (alloc != null) {
                assertThat(RawExec.killAll(Set.of(alloc.id())))
                        .as("processes left of the task")
                        .isEmpty();
            }
        }
    }

    private TaskRunner runner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .build();
    }

    /** The state file as a runner killed between the driver's start and its next write leaves it. */
    private static void writtenBeforeTheHandle(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(file.toFile());
        state.put("status", "PENDING");
        state.putNull("handle");
        json.writeValue(file.toFile(), state);
    }
}
