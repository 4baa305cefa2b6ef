package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks every symbolic link of a tree once all are made (a link may pass through another): one that resolves must
 * resolve inside the tree, a dangling one must not climb with {@code ..}.
 */
final class LinkCheck {
    /** Makes the refusal for an entry (shown as {@code name -> target}) and why. */
    interface Refusal {
        ArtifactFetchException of(String entry, String why);
    }

    private LinkCheck() {}

    /** @param root the tree's real path */
    static void requireInside(Path root, Refusal refusal) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    Path target = Files.readSymbolicLink(file);
                    String shown = root.relativize(file) + " -> " + target;
                    try {
                        if (!file.toRealPath().startsWith(root)) {
                            throw refusal.of(shown, "is a link that resolves outside the destination");
                        }
                    } catch (NoSuchFileException e) {
                        for (Path part : target) {
                            if (part.toString().equals("..")) {
                                throw refusal.of(shown, "is a dangling link that climbs with ..");
                            }
                        }
                    } catch (FileSystemException e) {
                        throw refusal.of(shown, "is a link that cannot be resolved (" + e.getReason() + ")");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
