package dev.taskdrivers.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingRemovalsFileTest {
    @TempDir
    Path dataDir;

    @Test
    void keepsEachImageWithItsDeadlineAcrossInstances() throws Exception {
        Map<String, Instant> pending = Map.of(
                "127.0.0.1:5000/team/app:1", Instant.parse("2030-01-02T03:04:05.123456Z"),
                "redis@sha256:0123abcd", Instant.parse("2030-01-02T03:09:00Z"));
        new PendingRemovalsFile(dataDir.resolve("docker")).save(pending);

        assertThat(new PendingRemovalsFile(dataDir.resolve("docker")).load()).isEqualTo(pending);
        try (var files = Files.list(dataDir.resolve("docker"))) {
            assertThat(files)
                    .as("no temporary file left behind")
                    .containsExactly(new PendingRemovalsFile(dataDir.resolve("docker")).path());
        }
    }

    @Test
    void savingReplacesTheWholeContent() throws Exception {
        PendingRemovalsFile file = new PendingRemovalsFile(dataDir);
        file.save(Map.of("a:1", Instant.parse("2030-01-01T00:00:00Z"), "b:1", Instant.parse("2030-01-01T00:00:01Z")));
        file.save(Map.of("b:1", Instant.parse("2030-01-01T00:00:01Z")));
        assertThat(file.load()).containsOnlyKeys("b:1");
        file.save(Map.of());
        assertThat(file.load()).isEmpty();
    }

    @Test
    void noFileMeansNothingPending() {
        assertThat(new PendingRemovalsFile(dataDir.resolve("never-written")).load())
                .isEmpty();
    }

    @Test
    void anUnreadableLineIsSkippedAndTheRestKept() throws Exception {
        PendingRemovalsFile file = new PendingRemovalsFile(dataDir);
        Files.writeString(
                file.path(), "# header\nnot-a-time a:1\n2030-01-01T00:00:00Z\n\n" + "2030-01-01T00:00:00Z b:1\n");
        assertThat(file.load()).isEqualTo(Map.of("b:1", Instant.parse("2030-01-01T00:00:00Z")));
    }
}
