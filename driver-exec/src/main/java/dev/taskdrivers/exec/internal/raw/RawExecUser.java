package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.util.Optional;

/**
 * Who a raw_exec task runs as: the runner's own user, unless the task names another one, which only a runner
 * running as root can switch to.
 */
final class RawExecUser {
    private RawExecUser() {}

    /**
     * The user to switch to for a task that asks for {@code wanted}; empty when it is the runner's own.
     *
     * @param runnerUid the runner's effective uid
     * @throws DriverException with {@link ErrorCode#INVALID_CONFIG} when the runner cannot switch users
     */
    static Optional<TaskUser> switchTo(TaskUser wanted, int runnerUid) {
        if (wanted.uid() == runnerUid) {
            return Optional.empty();
        }
        if (runnerUid != 0) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "cannot run as user " + wanted.name() + ": the runner is not root");
        }
        return Optional.of(wanted);
    }
}
