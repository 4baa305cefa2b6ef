package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.ValidationProblem;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The user a VM runs as: always the runner's own. A task asking for another user is refused rather than run as
 * someone it did not ask for.
 */
final class VmUser {
    /** The task field the problem is reported on. */
    static final String FIELD = "user";

    private VmUser() {}

    /** The runner's user name, as the JVM knows it. */
    static String runnerUser() {
        return System.getProperty("user.name");
    }

    /** A problem when {@code requested} is set and is not {@code runnerUser}; nothing asked for is fine. */
    static Optional<ValidationProblem> check(@Nullable String requested, String runnerUser) {
        if (requested == null || requested.equals(runnerUser)) {
            return Optional.empty();
        }
        return Optional.of(new ValidationProblem(
                FIELD,
                "user is not supported by the qemu driver: the VM runs as" + " the runner's user (" + runnerUser
                        + "), not as \"" + requested + "\"; remove user from the task"));
    }
}
