package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotating thread keeps up with a task that writes several files' worth between two of its checks, and a task's
 * logs are final once its watch is closed.
 */
class LogRotatorTest {
    @TempDir
    Path dir;

    @Test
    void aLogThatGrewBySeveralFilesSinceTheLastCheckIsRotatedBackUnderItsLimitInOneRound() throws Exception {
        long limit = 8192;
        RotatingLogFile log = RotatingLogFile.open(
                dir,
                "t",
                LogStream.STDOUT,
                LogConfig.builder().maxFiles(100).maxFileSizeBytes(limit).build());
        Files.writeString(log.currentFile(), "x".repeat(10 * (int) limit + 100));

        try (LogRotator rotator = new LogRotator("test-log-rotator")) {
            rotator.watch(List.of(log));
            // a round per interval: one round, not one per file's worth, must bring the file under the limit
            await().atMost(LogRotator.INTERVAL.multipliedBy(2).plus(Duration.ofMillis(500)))
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(log.currentFile()).hasFileName("t.stdout.10"));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(Files.size(dir.resolve("t.stdout." + i)))
                    .as("t.stdout.%d", i)
                    .isEqualTo(limit);
        }
        assertThat(Files.size(log.currentFile())).isEqualTo(100);
    }

    @Test
    void aClosedWatchLeavesTheLogRotatedUnderItsLimitWithNothingLost() throws Exception {
        long limit = 4096;
        RotatingLogFile log = RotatingLogFile.open(
                dir,
                "t",
                LogStream.STDOUT,
                LogConfig.builder().maxFiles(100).maxFileSizeBytes(limit).build());
        StringBuilder written = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            written.append("line ").append(i).append('\n');
        }
        Files.writeString(log.currentFile(), written);

        try (LogRotator rotator = new LogRotator("test-log-rotator")) {
            // closed long before the rotator's first round: the last rotation is the watch's own
            rotator.watch(List.of(log)).close();

            assertThat(Files.size(log.currentFile())).isLessThan(limit);
            StringBuilder read = new StringBuilder();
            for (int i = 0; Files.exists(dir.resolve("t.stdout." + i)); i++) {
                read.append(Files.readString(dir.resolve("t.stdout." + i)));
            }
            assertThat(read.toString()).isEqualTo(written.toString());
        }
    }
}
