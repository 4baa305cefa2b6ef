package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Deleting the driver's own state files (never a chroot: see {@link ChrootLayout#remove}). */
final class FileTrees {

    private FileTrees() {}

    static void deleteRecursively(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> children = Files.list(path)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        deleteRecursively(child);
                    }
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw DriverException.recoverable(ErrorCode.INTERNAL, "cannot delete " + path + ": " + e.getMessage(), e);
        }
    }
}
