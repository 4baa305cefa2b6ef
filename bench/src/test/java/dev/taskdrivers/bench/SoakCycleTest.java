package dev.taskdrivers.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SoakCycleTest {
    private static final List<String> DRIVERS = List.of("raw_exec", "exec", "docker");

    @Test
    void cyclesRotateDriversAndAlternateStoppedAndExitingRounds() {
        assertThat(SoakCycle.of(0, DRIVERS)).isEqualTo(new SoakCycle(0, "raw_exec", true, 0));
        assertThat(SoakCycle.of(2, DRIVERS)).isEqualTo(new SoakCycle(2, "docker", true, 0));
        assertThat(SoakCycle.of(4, DRIVERS)).isEqualTo(new SoakCycle(4, "exec", false, 0));
        assertThat(SoakCycle.of(10, DRIVERS)).isEqualTo(new SoakCycle(10, "exec", false, 1));
        assertThat(SoakCycle.of(23, DRIVERS).exitCode()).isEqualTo(3);
    }

    @Test
    void stoppedTaskMustBeDeadKilledAndNotFailed() {
        SoakCycle stopped = new SoakCycle(0, "raw_exec", true, 0);

        assertThat(stopped.wrongFinalState(status(TaskState.DEAD, false, ExitResult.signaled(9))))
                .isEmpty();
        assertThat(stopped.wrongFinalState(status(TaskState.RUNNING, false, null)))
                .get()
                .asString()
                .contains("state RUNNING");
        assertThat(stopped.wrongFinalState(status(TaskState.DEAD, true, ExitResult.signaled(9))))
                .get()
                .asString()
                .contains("marked failed");
        assertThat(stopped.wrongFinalState(status(TaskState.DEAD, false, ExitResult.exited(0))))
                .get()
                .asString()
                .contains("clean exit");
    }

    @Test
    void exitingTaskMustEndWithItsExitCodeAndFailOnlyWhenNonZero() {
        SoakCycle three = new SoakCycle(5, "exec", false, 3);
        SoakCycle zero = new SoakCycle(4, "docker", false, 0);

        assertThat(three.wrongFinalState(status(TaskState.DEAD, true, ExitResult.exited(3))))
                .isEmpty();
        assertThat(zero.wrongFinalState(status(TaskState.DEAD, false, ExitResult.exited(0))))
                .isEmpty();
        assertThat(three.wrongFinalState(status(TaskState.DEAD, true, ExitResult.exited(2))))
                .get()
                .asString()
                .contains("expected exit code 3");
        assertThat(three.wrongFinalState(status(TaskState.DEAD, false, ExitResult.exited(3))))
                .get()
                .asString()
                .contains("failed=false");
        assertThat(zero.wrongFinalState(status(TaskState.DEAD, true, ExitResult.failed("engine gone"))))
                .get()
                .asString()
                .contains("expected exit code 0");
        assertThat(zero.wrongFinalState(null)).get().asString().contains("no task status");
    }

    private static TaskStatus status(TaskState state, boolean failed, ExitResult exit) {
        return new TaskStatus(
                new TaskId("a1", "soak", "cycles", 0, "t"),
                "raw_exec",
                state,
                failed,
                0,
                Optional.ofNullable(exit),
                List.of());
    }
}
