package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A task log file capped in size by copy-and-truncate rotation.
 *
 * <p>The task writes {@code <base>.0} with {@code O_APPEND}; when it grows past the limit, {@code .1} ... are shifted
 * up by one (the oldest dropped), {@code .0} is copied to {@code .1} and truncated to zero; the task keeps writing at
 * the new end. No process or thread per task is needed for that, and the task's file descriptor never changes. The
 * trade-off: bytes the task writes between the copy and the truncation are lost, and between two checks the file
 * can grow past the limit by whatever the task wrote meanwhile ({@link ProcessPoller} checks a log that grew every
 * round, an idle one in its turn).
 *
 * @param base the path without the index, e.g. {@code logs/web.stdout}
 * @param maxFileBytes the size at which {@code .0} is rotated
 * @param maxFiles how many files are kept, {@code .0} included (at least 1)
 */
public record RotatingLog(Path base, long maxFileBytes, int maxFiles) {
    public RotatingLog {
        if (maxFileBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("maxFileBytes and maxFiles must be positive");
        }
    }

    /** The file with {@code index}: 0 is the one being written, higher is older. */
    public Path file(int index) {
        return base.resolveSibling(base.getFileName() + "." + index);
    }

    /** Rotates when the current file is over the limit; returns whether it did. */
    public boolean rotateIfFull() throws IOException {
        if (currentSize() < maxFileBytes) {
            return false;
        }
        rotate();
        return true;
    }

    /** The size of the file being written; 0 when there is none yet. */
    public long currentSize() throws IOException {
        try {
            return Files.size(file(0));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Shifts the older files up by one (dropping the oldest) and moves the current file's content to {@code .1}. */
    public void rotate() throws IOException {
        Path current = file(0);
        if (maxFiles == 1) {
            truncate(current);
            return;
        }
        Files.deleteIfExists(file(maxFiles - 1));
        for (int i = maxFiles - 2; i >= 1; i--) {
            if (Files.exists(file(i))) {
                Files.move(file(i), file(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(current, file(1), StandardCopyOption.REPLACE_EXISTING);
        truncate(current);
    }

    /** Deletes every file of this log. */
    public void delete() throws IOException {
        for (int i = 0; i < maxFiles; i++) {
            Files.deleteIfExists(file(i));
        }
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
    }
}
