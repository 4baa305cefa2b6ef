package dev.taskdrivers.docker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images waiting for removal and when each is due, kept in the driver's data directory so the driver of the
 * next runner performs them. One line per image: the deadline (ISO-8601 instant), a space, the image reference.
 *
 * <p>Written whole to a temporary file, flushed to disk and moved over the old one, so a reader finds either the
 * old or the new content, never a half-written file. One driver instance owns the directory at a time.
 */
public final class PendingRemovalsFile {
    private static final Logger LOG = LoggerFactory.getLogger(PendingRemovalsFile.class);
    private static final String NAME = "pending-image-removals";

    private final Path file;
    private final Path temporary;

    public PendingRemovalsFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
        this.temporary = dataDir.resolve(NAME + ".tmp");
    }

    /** Where the removals are kept. */
    public Path path() {
        return file;
    }

    /** The pending removals, image to deadline; empty when there is no file. A line it cannot read is skipped. */
    public Map<String, Instant> load() {
        Map<String, Instant> pending = new TreeMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return pending;
        } catch (IOException e) {
            LOG.warn("cannot read pending image removals from {}: {}", file, e.toString());
            return pending;
        }
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            try {
                if (space < 0 || space == line.length() - 1) {
                    throw new DateTimeException("no image after the deadline");
                }
                pending.put(line.substring(space + 1).strip(), Instant.parse(line.substring(0, space)));
            } catch (DateTimeException e) {
                LOG.warn("skipping unreadable line \"{}\" of {}: {}", line, file, e.getMessage());
            }
        }
        return pending;
    }

    /** Replaces the file's content with {@code pending} (image to deadline) in one step. */
    public void save(Map<String, Instant> pending) throws IOException {
        StringBuilder text = new StringBuilder("# image removals still due: deadline image\n");
        new TreeMap<>(pending)
                .forEach((image, deadline) ->
                        text.append(deadline).append(' ').append(image).append('\n'));
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
