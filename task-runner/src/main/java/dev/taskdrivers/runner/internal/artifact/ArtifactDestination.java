package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Resolves an artifact's destination inside the task directory, refusing every way out of it. */
final class ArtifactDestination {
    private ArtifactDestination() {}

    /**
     * The destination under {@code taskDir}: a relative path, or (once interpolated) an absolute one inside it.
     *
     * @throws ArtifactFetchException when it leaves the task directory
     */
    static Path resolve(Path taskDir, String destination) {
        Path resolved;
        try {
            resolved = taskDir.resolve(destination).normalize();
        } catch (InvalidPathException e) {
            throw ArtifactFetchException.permanent(
                    "destination \"" + destination + "\" is not a path: " + e.getReason());
        }
        if (!resolved.startsWith(taskDir.normalize())) {
            throw ArtifactFetchException.permanent(
                    "destination \"" + destination + "\" leaves the task directory " + taskDir);
        }
        return resolved;
    }

    /**
     * Refuses a directory that, through a link, lies outside the task directory (links the task itself made).
     *
     * @throws ArtifactFetchException when it does
     */
    static void requireInside(Path taskDir, Path dir) throws IOException {
        if (!dir.toRealPath().startsWith(taskDir.toRealPath())) {
            throw ArtifactFetchException.permanent(
                    "destination " + taskDir.relativize(dir) + " leads outside the task directory through a link");
        }
    }
}
