package dev.taskdrivers.runner.internal.artifact;

import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves an artifact's destination inside the task directory or the allocation's shared {@code alloc} directory,
 * refusing every other way out of it.
 */
final class ArtifactDestination {
    private ArtifactDestination() {}

    /**
     * The destination under {@code taskDir} or the shared directory: a relative path, or (once interpolated) an
     * absolute one inside either.
     *
     * @throws ArtifactFetchException when it leaves both
     */
    static Path resolve(Path taskDir, String destination) {
        Path resolved;
        try {
            resolved =
                    taskDir.resolve(AllocSandbox.withDirsRelative(destination)).normalize();
        } catch (InvalidPathException e) {
            throw ArtifactFetchException.permanent(
                    "destination \"" + destination + "\" is not a path: " + e.getReason());
        }
        if (!AllocSandbox.contains(taskDir, resolved)) {
            throw ArtifactFetchException.permanent("destination \"" + destination + "\" leaves the task directory "
                    + taskDir + " and the allocation's alloc directory");
        }
        return resolved;
    }

    /**
     * Creates a directory with its missing parents, refusing one that, through a link, lies outside the task
     * directory and the shared one (links the allocation's tasks made) before anything is created there.
     *
     * @throws ArtifactFetchException when it does
     */
    static void createInside(Path taskDir, Path dir) throws IOException {
        if (!AllocSandbox.createDirectoriesInside(taskDir, dir)) {
            throw ArtifactFetchException.permanent("destination " + taskDir.relativize(dir)
                    + " leads outside the task directory and the allocation's alloc directory through a link");
        }
    }
}
