package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nomad's layout: the full file keeps its index, the writer goes on at the next one, the oldest are deleted. */
class RotatingLogFileTest {
    @TempDir
    Path dir;

    private RotatingLogFile log(int maxFiles, long maxBytes) {
        return RotatingLogFile.open(
                dir,
                "t",
                LogStream.STDOUT,
                LogConfig.builder()
                        .maxFiles(maxFiles)
                        .maxFileSizeBytes(maxBytes)
                        .build());
    }

    private OutputStream appendTo(Path file) throws Exception {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aFileBelowTheLimitIsLeftAlone() throws Exception {
        RotatingLogFile log = log(3, 10);
        Files.writeString(log.currentFile(), "12345");

        assertThat(log.rotateIfFull()).isFalse();
        assertThat(log.currentFile()).hasFileName("t.stdout.0").hasContent("12345");
    }

    @Test
    void theWriterGoesOnAtTheNextIndexWithItsOpenFileAndTheOldestIsDeleted() throws Exception {
        RotatingLogFile log = log(2, 8192);
        try (OutputStream out = appendTo(log.currentFile())) {
            for (char c : new char[] {'a', 'b', 'c'}) {
                out.write(String.valueOf(c).repeat(10_000).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(log.rotateIfFull()).isTrue();
            }
            out.write("end".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(log.currentFile()).hasFileName("t.stdout.3");
        assertThat(dir.resolve("t.stdout.0")).doesNotExist();
        assertThat(dir.resolve("t.stdout.1")).doesNotExist();
        String kept = Files.readString(dir.resolve("t.stdout.2")) + Files.readString(dir.resolve("t.stdout.3"));
        assertThat(kept).endsWith("c".repeat(10_000) + "end");
        assertThat(dir.resolve("t.stdout.rotating")).doesNotExist();
    }

    @Test
    void nothingAConcurrentWriterWritesIsLostOrDoubled() throws Exception {
        RotatingLogFile log = log(1000, 64 * 1024);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger rotations = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        int lines = 200_000;
        // the writer goes on until the log rotated under it several times, however the two threads are scheduled
        int atMost = 5_000_000;
        Thread writer = new Thread(() -> {
            try (OutputStream out = appendTo(log.currentFile())) {
                int i = 0;
                for (; i < atMost && (i < lines || rotations.get() <= 5); i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                written.set(i);
            } catch (Exception e) {
                failure.set(e);
            } finally {
                stop.set(true);
            }
        });
        writer.start();
        while (!stop.get()) {
            if (log.rotateIfFull()) {
                rotations.incrementAndGet();
            }
        }
        writer.join();
        assertThat(failure.get()).isNull();
        assertThat(rotations.get()).isGreaterThan(5);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i <= rotations.get(); i++) {
            all.append(Files.readString(dir.resolve("t.stdout." + i)));
        }
        String[] read = all.toString().split("\n");
        assertThat(read).hasSize(written.get());
        for (int i = 0; i < read.length; i++) {
            assertThat(read[i]).isEqualTo("line " + i);
        }
    }

    @Test
    void aLogOpenedAgainGoesOnAtItsHighestIndex() throws Exception {
        Files.writeString(dir.resolve("t.stdout.4"), "old");
        Files.writeString(dir.resolve("t.stdout.5"), "newer");

        assertThat(log(10, 100).currentFile()).hasFileName("t.stdout.5");
    }

    @Test
    void aRotationCutShortAfterTheLinkIsFinishedWhenTheLogIsOpenedAgain() throws Exception {
        Files.writeString(dir.resolve("t.stdout.0"), "tail");
        Files.createLink(dir.resolve("t.stdout.1"), dir.resolve("t.stdout.0"));
        Files.writeString(dir.resolve("t.stdout.rotating"), "head");

        RotatingLogFile log = log(10, 100);

        assertThat(log.currentFile()).hasFileName("t.stdout.1");
        assertThat(dir.resolve("t.stdout.0")).hasContent("head");
        assertThat(dir.resolve("t.stdout.1")).hasContent("tail");
        assertThat(dir.resolve("t.stdout.rotating")).doesNotExist();
    }

    @Test
    void aLogOpenedLaterTouchesNothingUntilItsCurrentFileIsAskedForThenTidiesAsOpenDoes() throws Exception {
        Files.writeString(dir.resolve("t.stdout.0"), "tail");
        Files.createLink(dir.resolve("t.stdout.1"), dir.resolve("t.stdout.0"));
        Files.writeString(dir.resolve("t.stdout.rotating"), "head");
        Files.writeString(dir.resolve("t.stderr.3"), "err");
        LogConfig limits =
                LogConfig.builder().maxFiles(10).maxFileSizeBytes(100).build();

        var both = RotatingLogFile.openBothLater(dir, "t", limits);

        assertThat(dir.resolve("t.stdout.rotating")).hasContent("head"); // not listed or tidied yet
        assertThat(both.get(0).currentFile()).hasFileName("t.stdout.1");
        assertThat(dir.resolve("t.stdout.0")).hasContent("head");
        assertThat(dir.resolve("t.stdout.rotating")).doesNotExist();
        assertThat(both.get(1).currentFile()).hasFileName("t.stderr.3");
    }

    @Test
    void aLogOpenedLaterRotatesFromItsHighestIndex() throws Exception {
        Files.writeString(dir.resolve("t.stdout.2"), "x".repeat(8192));
        LogConfig limits =
                LogConfig.builder().maxFiles(10).maxFileSizeBytes(4096).build();

        RotatingLogFile log = RotatingLogFile.openBothLater(dir, "t", limits).get(0);

        assertThat(log.rotateIfFull()).isTrue();
        assertThat(log.currentFile()).hasFileName("t.stdout.3");
        assertThat(dir.resolve("t.stdout.2")).exists();
    }
}
