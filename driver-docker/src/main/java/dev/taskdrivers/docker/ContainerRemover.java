package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.time.Duration;

/** Force-removes containers; a container already gone is not an error. */
final class ContainerRemover {
    /** How long a removal someone else started may take before it counts as failed. */
    static final Duration REMOVAL_WAIT = Duration.ofSeconds(30);

    private ContainerRemover() {}

    /**
     * Removes {@code idOrName} and returns once it is gone; returns false when it did not exist. A removal already in
     * progress (a task's stop removes its container right after it exited, while its cleanup may ask again) is waited
     * for: the engine keeps the container, and its name, until it is done. Throws translated engine errors.
     */
    static boolean remove(DockerClient docker, String idOrName) {
        try {
            docker.removeContainerCmd(idOrName)
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
            return true;
        } catch (RuntimeException e) {
            if (EngineErrors.isNotFound(e)) {
                return false;
            }
            if (EngineErrors.isConflict(e) && EngineErrors.reason(e).contains("already in progress")) {
                awaitGone(docker, idOrName);
                return true;
            }
            throw EngineErrors.translate("remove container " + idOrName, e);
        }
    }

    /** Waits until the engine no longer knows {@code idOrName}; still there after {@link #REMOVAL_WAIT}: recoverable. */
    private static void awaitGone(DockerClient docker, String idOrName) {
        long deadline = System.nanoTime() + REMOVAL_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                docker.inspectContainerCmd(idOrName).exec();
            } catch (RuntimeException e) {
                if (EngineErrors.isNotFound(e)) {
                    return;
                }
                throw EngineErrors.translate("inspect container " + idOrName, e);
            }
            if (System.nanoTime() >= deadline) {
                throw new DriverException(
                        ErrorCode.EXTERNAL,
                        true,
                        "container " + idOrName + " was still being removed after " + REMOVAL_WAIT.toSeconds() + " s");
            }
            Backoff.sleep(attempt);
        }
    }
}
