package dev.taskdrivers.runner.internal.logs;

import dev.taskdrivers.api.LogStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files of one stream of a task's log as listed now, oldest first. */
record LogFiles(List<Path> files, List<Long> sizes, List<Integer> indexes, int lowest) {

    static LogFiles list(Path dir, String taskName, LogStream stream) {
        Pattern name = Pattern.compile(Pattern.quote(taskName + "." + stream.suffix() + ".") + "(\\d{1,9})");
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches()) {
                    found.put(Integer.parseInt(m.group(1)), p);
                }
            }
        } catch (IOException e) {
            // no directory yet: no files
        }
        List<Path> files = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        found.forEach((i, p) -> {
            try {
                sizes.add(Files.size(p));
                files.add(p);
                indexes.add(i);
            } catch (IOException e) {
                // deleted since the listing
            }
        });
        int lowest = found.isEmpty() ? 0 : found.firstKey();
        return new LogFiles(files, sizes, indexes, lowest);
    }

    /** The lowest index above {@code index} with a file; {@code index} when there is none. */
    int firstAbove(int index) {
        return indexes.stream().filter(i -> i > index).findFirst().orElse(index);
    }

    long totalSize() {
        return sizes.stream().mapToLong(Long::longValue).sum();
    }

    /** The offset from the oldest file's start at which the last {@code lines} lines begin. */
    long startOfLastLines(int lines) throws IOException {
        long total = totalSize();
        if (lines <= 0) {
            return total;
        }
        long end = total;
        int newlines = 0;
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (int f = files.size() - 1; f >= 0; f--) {
            long fileStart = end - sizes.get(f);
            long pos = sizes.get(f);
            try (FileChannel channel = FileChannel.open(files.get(f), StandardOpenOption.READ)) {
                while (pos > 0) {
                    int length = (int) Math.min(chunk.capacity(), pos);
                    chunk.clear().limit(length);
                    long at = pos - length;
                    while (chunk.hasRemaining() && channel.read(chunk, at + chunk.position()) > 0) {
                        // fill the chunk
                    }
                    for (int i = chunk.position() - 1; i >= 0; i--) {
                        // the newline that ends the last line starts no line
                        if (chunk.get(i) == '\n' && fileStart + at + i != total - 1 && ++newlines == lines) {
                            return fileStart + at + i + 1;
                        }
                    }
                    pos = at;
                }
            } catch (NoSuchFileException e) {
                return fileStart + sizes.get(f); // deleted meanwhile: start after it
            }
            end = fileStart;
        }
        return 0;
    }
}
