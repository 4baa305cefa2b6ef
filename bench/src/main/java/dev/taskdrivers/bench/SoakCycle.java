package dev.taskdrivers.bench;

import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One start/stop cycle of the soak and what its task's final state must be.
 *
 * @param index the cycle number
 * @param driver raw_exec, exec or docker
 * @param stopped whether the soak stops the task ({@code sleep}); otherwise it exits by itself with {@code exitCode}
 * @param exitCode the exit code a task that exits by itself must end with
 */
public record SoakCycle(int index, String driver, boolean stopped, int exitCode) {

    /** Cycle {@code i}: drivers in turn; every other round the task is stopped, else it exits with 0 to 3. */
    static SoakCycle of(int i, java.util.List<String> drivers) {
        String driver = drivers.get(i % drivers.size());
        boolean stopped = (i / drivers.size()) % 2 == 0;
        return new SoakCycle(i, driver, stopped, stopped ? 0 : (i / (2 * drivers.size())) % 4);
    }

    /** Why {@code status} is not the state this cycle must end in, or empty when it is. */
    Optional<String> wrongFinalState(@Nullable TaskStatus status) {
        if (status == null) {
            return Optional.of("no task status");
        }
        if (status.state() != TaskState.DEAD) {
            return Optional.of("state " + status.state() + ", expected DEAD");
        }
        if (status.lastExit().isEmpty()) {
            return Optional.of("no exit recorded");
        }
        var exit = status.lastExit().get();
        if (stopped) {
            // stopped with SIGKILL by the soak: killed, and not a failure of the task
            if (exit.signal() == 0 && exit.exitCode() == 0) {
                return Optional.of("stopped task reports a clean exit " + exit);
            }
            return status.failed() ? Optional.of("stopped task marked failed: " + exit) : Optional.empty();
        }
        if (exit.exitCode() != exitCode || exit.signal() != 0 || exit.error() != null) {
            return Optional.of("exit " + exit + ", expected exit code " + exitCode);
        }
        if (status.failed() != (exitCode != 0)) {
            return Optional.of("failed=" + status.failed() + " for exit code " + exitCode);
        }
        return Optional.empty();
    }

    String name() {
        return "c" + index + "-" + driver.replace('_', '-');
    }
}
