package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Moves an unpacked tree into its destination entry by entry, each file or link in one rename: directories are
 * merged with those already there, files of the same name replaced, as unpacking over them would.
 */
final class StagedTree {
    private StagedTree() {}

    static void moveInto(Path staging, Path destination) throws IOException {
        Files.walkFileTree(staging, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = destination.resolve(staging.relativize(dir).toString());
                if (Files.isSymbolicLink(target) || Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target); // never merge into the place a link points to
                }
                Files.createDirectories(target);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = destination.resolve(staging.relativize(file).toString());
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw ArtifactFetchException.permanent("cannot put " + staging.relativize(file)
                            + " into the destination: a directory of that name exists");
                }
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
