package dev.taskdrivers.docker.internal;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes one stream of a task's log in Nomad's layout: {@code <task>.stdout.N} until it holds
 * {@code max_file_size} bytes, then N+1; indexes more than {@code max_files} below the current one are deleted.
 * Not thread-safe.
 */
public final class RotatingLogWriter implements Closeable {
    private final Path dir;
    private final String taskName;
    private final LogStream stream;
    private final LogConfig limits;
    private int index;
    private FileChannel channel;
    private long size;

    private RotatingLogWriter(Path dir, String taskName, LogStream stream, LogConfig limits, int index)
            throws IOException {
        this.dir = dir;
        this.taskName = taskName;
        this.stream = stream;
        this.limits = limits;
        this.index = index;
        this.channel = openIndex(index);
        this.size = channel.size();
    }

    /** Goes on at the highest index there is (0 when there is none). */
    public static RotatingLogWriter open(Path dir, String taskName, LogStream stream, LogConfig limits)
            throws IOException {
        Files.createDirectories(dir);
        return new RotatingLogWriter(dir, taskName, stream, limits, highestIndex(dir, taskName, stream));
    }

    /**
     * Cuts the log back to a position recorded earlier: files above {@code index} are deleted and that file is
     * truncated to {@code size} (what was written after the position is written again).
     */
    public static void truncateTo(Path dir, String taskName, LogStream stream, int index, long size)
            throws IOException {
        int highest = highestIndex(dir, taskName, stream);
        for (int i = highest; i > index; i--) {
            Files.deleteIfExists(stream.file(dir, taskName, i));
        }
        Path file = stream.file(dir, taskName, index);
        if (Files.exists(file) && Files.size(file) > size) {
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.truncate(size);
            }
        }
    }

    /** Appends, moving to the next index whenever the current file is full. */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (size >= limits.maxFileSizeBytes()) {
                rotate();
            }
            int part = (int) Math.min(length - done, limits.maxFileSizeBytes() - size);
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset + done, part);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size += part;
            done += part;
        }
    }

    /** The index being written. */
    public int index() {
        return index;
    }

    /** The bytes in the file being written. */
    public long size() {
        return size;
    }

    private void rotate() throws IOException {
        FileChannel next = openIndex(index + 1);
        channel.close();
        channel = next;
        index++;
        size = next.size();
        for (int i = index - limits.maxFiles(); i >= 0; i--) {
            if (!Files.deleteIfExists(stream.file(dir, taskName, i))) {
                break;
            }
        }
    }

    private FileChannel openIndex(int i) throws IOException {
        return FileChannel.open(
                stream.file(dir, taskName, i),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    static int highestIndex(Path dir, String taskName, LogStream stream) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(taskName + "." + stream.suffix() + ".") + "(\\d{1,9})");
        int highest = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        return highest;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
