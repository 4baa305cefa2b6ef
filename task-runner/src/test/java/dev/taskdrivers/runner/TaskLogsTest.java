package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.LogStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading a log laid out as Nomad does from files written by hand. */
@Timeout(60) // a follower that misses its bytes would wait for ever
class TaskLogsTest {
    @TempDir
    Path dir;

    private void write(int index, String text) throws IOException {
        Files.writeString(
                dir.resolve("web.stdout." + index), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String readAvailable(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theFilesAreReadOldestFirstFromAnyOffset() throws Exception {
        write(3, "abc\n");
        write(4, "def\n");
        write(5, "gh");
        TaskLogs logs = TaskLogs.of(dir, "web");

        assertThat(readAvailable(logs.open(LogStream.STDOUT, LogOrigin.START, 0, false)))
                .isEqualTo("abc\ndef\ngh");
        assertThat(readAvailable(logs.open(LogStream.STDOUT, LogOrigin.START, 5, false)))
                .isEqualTo("ef\ngh");
        assertThat(readAvailable(logs.open(LogStream.STDOUT, LogOrigin.END, 4, false)))
                .isEqualTo("f\ngh");
        assertThat(readAvailable(logs.open(LogStream.STDERR, LogOrigin.START, 0, false)))
                .isEmpty();
    }

    @Test
    void lastLinesCountALastLineWithoutItsNewlineAndCrossFiles() throws Exception {
        write(0, "one\ntwo\n");
        write(1, "three\nfour");
        TaskLogs logs = TaskLogs.of(dir, "web");

        assertThat(readAvailable(logs.lastLines(LogStream.STDOUT, 3, false))).isEqualTo("two\nthree\nfour");
        assertThat(readAvailable(logs.lastLines(LogStream.STDOUT, 10, false))).isEqualTo("one\ntwo\nthree\nfour");
        write(1, "\n");
        assertThat(readAvailable(logs.lastLines(LogStream.STDOUT, 1, false))).isEqualTo("four\n");
    }

    @Test
    void aFollowerGoesOnInTheNextFileAndPastDeletedOnes() throws Exception {
        write(0, "a");
        try (InputStream in = TaskLogs.of(dir, "web").open(LogStream.STDOUT, LogOrigin.START, 0, true)) {
            byte[] buffer = new byte[16];
            assertThat(new String(buffer, 0, in.read(buffer), StandardCharsets.US_ASCII))
                    .isEqualTo("a");
            write(0, "b");
            write(1, "c");
            assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("bc");
            // the reader fell behind by more than the files kept: it goes on at the oldest one left
            write(2, "lost");
            write(3, "d");
            Files.delete(dir.resolve("web.stdout.1"));
            Files.delete(dir.resolve("web.stdout.2"));
            assertThat(new String(in.readNBytes(1), StandardCharsets.US_ASCII)).isEqualTo("d");
        }
    }

    @Test
    void aStartMovedToItsIndexByARotationIsNotReadTwice() throws Exception {
        // the task wrote "0123456789" to index 0; the reader read 8 bytes; a rotation moved the first 4 to index 0
        // and the rest, with what came after, to index 1 (the file the task still writes)
        write(0, "01234567");
        try (InputStream in = TaskLogs.of(dir, "web").open(LogStream.STDOUT, LogOrigin.START, 0, true)) {
            assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("01234567");
            Files.writeString(dir.resolve("web.stdout.1"), "456789X");
            Files.writeString(dir.resolve("web.stdout.0"), "0123");
            assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("89X");
        }
    }
}
