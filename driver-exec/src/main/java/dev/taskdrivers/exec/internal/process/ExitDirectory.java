package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of exit files, listed only when its modification time says an entry was added, renamed or removed
 * since the last listing: one {@code stat} per look while nothing changes, however many tasks share it.
 */
final class ExitDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ExitDirectory.class);
    /** A time stamp this recent may still be shared by a change made after the listing (coarse clocks). */
    private static final long SETTLED_MILLIS = 2_000;

    private final Path dir;
    private volatile boolean evented;
    /** When last listed, if that was long enough after its last change to trust the time stamp. */
    private @Nullable FileTime listedAt;

    ExitDirectory(Path dir, boolean evented) {
        this.dir = dir;
        this.evented = evented;
    }

    Path path() {
        return dir;
    }

    /** Whether file events report what appears here. */
    boolean evented() {
        return evented;
    }

    void eventsLost() {
        evented = false;
    }

    /** The names in the directory if it changed since the last listing, else empty. */
    synchronized Optional<Set<String>> listIfChanged() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(dir);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read the time stamp of {}: {}", dir, e.toString());
            return Optional.empty();
        }
        if (modified.equals(listedAt)) {
            return Optional.empty();
        }
        Set<String> names = list();
        listedAt = System.currentTimeMillis() - modified.toMillis() > SETTLED_MILLIS ? modified : null;
        return Optional.of(names);
    }

    /** Every name in the directory now. */
    Set<String> list() {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.toString());
        }
        return names;
    }
}
