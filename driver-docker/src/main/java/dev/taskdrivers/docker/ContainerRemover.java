package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;

/** Force-removes containers; a container already gone is not an error. */
final class ContainerRemover {

    private ContainerRemover() {}

    /** Removes {@code idOrName}; returns false when it did not exist. Throws translated engine errors. */
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
            // "removal already in progress" is the engine doing what we asked
            if (EngineErrors.isConflict(e) && EngineErrors.reason(e).contains("already in progress")) {
                return true;
            }
            throw EngineErrors.translate("remove container " + idOrName, e);
        }
    }
}
