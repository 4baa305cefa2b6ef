package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLogTest {
    @TempDir
    Path dir;

    @Test
    void aFileBelowTheLimitIsLeftAlone() throws Exception {
        RotatingLog log = new RotatingLog(dir.resolve("t.stdout"), 10, 3);
        Files.writeString(log.file(0), "12345");
        assertThat(log.rotateIfFull()).isFalse();
        assertThat(log.rotateIfFull()).isFalse();
        assertThat(Files.readString(log.file(0))).isEqualTo("12345");
    }

    @Test
    void rotationShiftsOlderFilesAndDropsTheOldest() throws Exception {
        RotatingLog log = new RotatingLog(dir.resolve("t.stdout"), 4, 3);
        for (String chunk : new String[] {"aaaa", "bbbb", "cccc", "dddd"}) {
            Files.writeString(log.file(0), chunk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertThat(log.rotateIfFull()).isTrue();
        }
        assertThat(Files.size(log.file(0))).isZero();
        assertThat(Files.readString(log.file(1))).isEqualTo("dddd");
        assertThat(Files.readString(log.file(2))).isEqualTo("cccc");
        assertThat(log.file(3)).doesNotExist();
    }

    @Test
    void aWriterInAppendModeContinuesAtTheStartAfterTruncation() throws Exception {
        RotatingLog log = new RotatingLog(dir.resolve("t.stderr"), 4, 2);
        try (var out = Files.newOutputStream(log.file(0), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write("12345".getBytes());
            out.flush();
            log.rotateIfFull();
            out.write("xy".getBytes());
        }
        assertThat(Files.readString(log.file(0))).isEqualTo("xy");
        assertThat(Files.readString(log.file(1))).isEqualTo("12345");
    }

    @Test
    void withOneFileTheLogIsOnlyTruncated() throws Exception {
        RotatingLog log = new RotatingLog(dir.resolve("t.stdout"), 2, 1);
        Files.writeString(log.file(0), "abc");
        assertThat(log.rotateIfFull()).isTrue();
        assertThat(Files.size(log.file(0))).isZero();
        assertThat(log.file(1)).doesNotExist();
    }
}
