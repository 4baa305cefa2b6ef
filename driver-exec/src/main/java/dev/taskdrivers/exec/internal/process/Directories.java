package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;

/** Directory creation on the start path, and the task directories a task's own user needs. */
public final class Directories {
    private Directories() {}

    /**
     * Like {@link Files#createDirectories}, without the exception it creates and catches internally for a directory
     * that already exists, the usual case when a task starts.
     */
    public static void ensure(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
    }

    /**
     * Gives {@code ownDirs} (created if missing) to {@code user} and lets every task of the allocation write
     * {@code sharedDir}, so a task that does not run as the runner's user can write its own directories and the
     * allocation's shared one.
     */
    public static void handOver(TaskUser user, List<Path> ownDirs, Path sharedDir) throws IOException {
        for (Path own : ownDirs) {
            ensure(own);
            Files.setAttribute(own, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(own, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        Files.setPosixFilePermissions(sharedDir, EnumSet.allOf(PosixFilePermission.class));
    }
}
