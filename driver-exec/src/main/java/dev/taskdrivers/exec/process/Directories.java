package dev.taskdrivers.exec.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Directory creation on the start path. */
public final class Directories {
    private Directories() {
    }

    /**
     * Like {@link Files#createDirectories}, without the exception it creates and catches internally for a directory
     * that already exists, the usual case when a task starts.
     */
    public static void ensure(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
    }
}
