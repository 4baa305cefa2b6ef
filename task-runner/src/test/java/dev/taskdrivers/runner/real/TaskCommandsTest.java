package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RESTART_SIGNALED;
import static dev.taskdrivers.runner.TaskEventType.SIGNALING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** exec, signal and restart of real raw_exec tasks through the embedding API. */
@Tag("real")
class TaskCommandsTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    private AllocationHandle startAndWait(TaskSpec... tasks) {
        AllocationHandle alloc = real.runner()
                .submit(JobSpec.service("cmds", List.of(GroupSpec.of("g", List.of(tasks)))))
                .get(0);
        for (TaskSpec t : tasks) {
            await().atMost(WAIT)
                    .until(() -> alloc.status().tasks().get(t.name()).state() == TaskState.RUNNING);
        }
        return alloc;
    }

    private Path localDir(AllocationHandle alloc, String task) {
        return real.allocDir(alloc).resolve(task).resolve("local");
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    @Test
    void execRunsInsideTheTaskWithItsEnvironmentAndReturnsOutputAndExitCode() {
        AllocationHandle alloc = startAndWait(shell("app", "sleep 60"));

        ExecResult result = alloc.exec(
                "app",
                List.of("/bin/sh", "-c", "echo \"$NOMAD_TASK_NAME in $NOMAD_ALLOC_ID\"; echo oops >&2; exit 4"),
                Duration.ofSeconds(10));

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stdout()).isEqualTo("app in " + alloc.id() + "\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void aSignalReachesTheTaskAfterASignalingEvent() throws Exception {
        AllocationHandle alloc = startAndWait(shell(
                "app",
                "trap 'echo got-hup > \"$NOMAD_TASK_DIR/hup\"' HUP;"
                        + " echo ready > \"$NOMAD_TASK_DIR/ready\"; while true; do sleep 0.1; done"));
        Path dir = localDir(alloc, "app");
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("ready")));

        alloc.signal("app", "SIGHUP");

        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("hup")));
        assertThat(Files.readString(dir.resolve("hup"))).isEqualTo("got-hup\n");
        TaskEvent signaling = alloc.events("app").stream()
                .filter(e -> e.type() == SIGNALING)
                .findFirst()
                .orElseThrow();
        assertThat(signaling.details()).containsEntry("signal", "SIGHUP");
        assertThat(alloc.status().tasks().get("app").state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void restartStopsAndStartsTheTaskAgainWithoutUsingItsRestartPolicy() throws Exception {
        // RawExec.shell tasks never restart on their own (0 attempts): only a requested restart can start it again
        AllocationHandle alloc = startAndWait(shell(
                "app",
                "echo run >> \"$NOMAD_ALLOC_DIR/runs\";"
                        + " while [ ! -f \"$NOMAD_ALLOC_DIR/stop\" ]; do sleep 0.1; done"));
        Path runs = real.allocDir(alloc).resolve("alloc/runs");
        await().atMost(WAIT)
                .until(() -> Files.exists(runs) && Files.readAllLines(runs).size() == 1);

        alloc.restart("app");

        await().atMost(WAIT).until(() -> Files.readAllLines(runs).size() == 2);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("app").state() == TaskState.RUNNING);
        TaskStatus app = alloc.status().tasks().get("app");
        assertThat(types(app.events()))
                .containsSubsequence(STARTED, RESTART_SIGNALED, KILLING, TERMINATED, RESTARTING, STARTED);
        assertThat(app.restarts()).isEqualTo(1);
        // the policy still allows no restart: when the task itself exits (0, in a service job) it is not restarted
        Files.writeString(runs.resolveSibling("stop"), "");
        TaskStatus ended = alloc.await(WAIT).tasks().get("app");
        assertThat(ended.failed()).isTrue();
        assertThat(types(ended.events())).endsWith(TERMINATED, TaskEventType.NOT_RESTARTING);
    }

    @Test
    void commandsOnUnknownOrStoppedTasksAreClearErrors() throws Exception {
        AllocationHandle alloc = startAndWait(shell("app", "sleep 60"));

        assertThatThrownBy(() -> alloc.exec("nope", List.of("/bin/true"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no task nope")
                .hasMessageContaining("[app]");
        assertThatThrownBy(() -> alloc.signal("nope", "SIGHUP")).isInstanceOf(IllegalArgumentException.class);
        alloc.stop().get();
        assertThatThrownBy(() -> alloc.exec("app", List.of("/bin/true"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("app")
                .hasMessageContaining("not running");
        assertThatThrownBy(() -> alloc.restart("app"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThatThrownBy(() -> alloc.signal("app", "SIGHUP")).isInstanceOf(IllegalStateException.class);
    }
}
