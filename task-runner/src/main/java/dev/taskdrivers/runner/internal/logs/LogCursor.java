package dev.taskdrivers.runner.internal.logs;

import dev.taskdrivers.api.LogStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A read position in one stream of a task's log (Nomad's layout: {@code <task>.stdout.N}, the highest index being
 * written, lower ones complete): a file index and an offset in it, moved on across rotations.
 *
 * <p>Once index N+1 exists, N is complete. An offset past the end of a complete file goes on in the next one: a
 * rotation that moves the start of a file a task still writes to its index (see {@code RotatingLogFile}) leaves the
 * reader's offset counted from the old start, and the excess is where it was in the rest. While that rotation's copy
 * ({@link LogStream#rotatingFile}) exists nothing is read; a read is kept only when neither the copy appeared nor the
 * file changed identity meanwhile. A reader left behind by deleted files goes on at the oldest one left.
 */
public final class LogCursor {
    /** A rotation's copy older than this was left by a writer that died; it is ignored. */
    static final Duration STALE_ROTATION = Duration.ofSeconds(5);

    private final Path dir;
    private final String taskName;
    private final LogStream stream;
    private int index;
    private long offset;

    private LogCursor(Path dir, String taskName, LogStream stream, int index, long offset) {
        this.dir = dir;
        this.taskName = taskName;
        this.stream = stream;
        this.index = index;
        this.offset = offset;
    }

    /** At {@code offset} bytes from the start of the oldest file kept. */
    public static LogCursor fromStart(Path dir, String taskName, LogStream stream, long offset) {
        LogFiles files = LogFiles.list(dir, taskName, stream);
        return new LogCursor(dir, taskName, stream, files.lowest(), Math.max(0, offset));
    }

    /** At {@code offset} bytes before the end of what is written now. */
    public static LogCursor fromEnd(Path dir, String taskName, LogStream stream, long offset) {
        LogFiles files = LogFiles.list(dir, taskName, stream);
        return new LogCursor(
                dir, taskName, stream, files.lowest(), Math.max(0, files.totalSize() - Math.max(0, offset)));
    }

    /** At the start of the last {@code lines} lines (a last line without its newline counts). */
    public static LogCursor lastLines(Path dir, String taskName, LogStream stream, int lines) throws IOException {
        LogFiles files = LogFiles.list(dir, taskName, stream);
        long start = files.startOfLastLines(lines);
        return new LogCursor(dir, taskName, stream, files.lowest(), start);
    }

    /**
     * Reads what is there at the position, at most {@code buffer.remaining()} bytes, and moves on; 0 when there is
     * nothing now (or a rotation is under way).
     */
    public int read(ByteBuffer buffer) throws IOException {
        for (int attempts = 0; attempts < 1000; attempts++) {
            if (rotating()) {
                return 0;
            }
            Path file = stream.file(dir, taskName, index);
            BasicFileAttributes before = attributes(file);
            if (before == null) {
                int later = LogFiles.list(dir, taskName, stream).firstAbove(index);
                if (later > index) { // deleted before it was read to its end: go on at the oldest one left
                    index = later;
                    offset = 0;
                    continue;
                }
                return 0; // not written yet
            }
            if (offset < before.size()) {
                int read = readAt(file, before, buffer);
                if (read < 0) {
                    continue; // changed under the read
                }
                return read;
            }
            Path next = stream.file(dir, taskName, index + 1);
            if (!Files.exists(next)) {
                return 0; // at the end of the file being written
            }
            BasicFileAttributes complete = attributes(file);
            if (complete == null || !Objects.equals(complete.fileKey(), before.fileKey()) || rotating()) {
                continue;
            }
            if (offset < complete.size()) {
                continue; // it grew before the writer moved on
            }
            offset -= complete.size();
            index++;
        }
        return 0;
    }

    /** Bytes read, or -1 when the file changed identity or a rotation began during the read (nothing is kept). */
    private int readAt(Path file, BasicFileAttributes before, ByteBuffer buffer) throws IOException {
        int start = buffer.position();
        int read;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            read = channel.read(buffer, offset);
        } catch (NoSuchFileException e) {
            return -1;
        }
        BasicFileAttributes after = attributes(file);
        if (read <= 0 || after == null || !Objects.equals(after.fileKey(), before.fileKey()) || rotating()) {
            buffer.position(start);
            return read == 0 ? 0 : -1;
        }
        offset += read;
        return read;
    }

    /** Whether a writer is moving a file now (a read returns 0 meanwhile). */
    public boolean rotationUnderWay() {
        return rotating();
    }

    private boolean rotating() {
        Path copy = stream.rotatingFile(dir, taskName);
        BasicFileAttributes a = attributes(copy);
        return a != null
                && a.lastModifiedTime().toInstant().isAfter(Instant.now().minus(STALE_ROTATION));
    }

    private static @Nullable BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "LogCursor[" + stream.fileName(taskName, index) + "@" + offset + "]";
    }
}
