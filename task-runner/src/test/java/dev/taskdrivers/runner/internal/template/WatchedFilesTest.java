package dev.taskdrivers.runner.internal.template;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files polled: each write, removal and creation is reported once; nothing after close. */
class WatchedFilesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger changes = new AtomicInteger();
    private final WatchedFiles files = new WatchedFiles(scheduler, Duration.ofMillis(20), changes::incrementAndGet);

    @AfterEach
    void tearDown() {
        files.close();
        scheduler.shutdownNow();
    }

    @Test
    void aWriteARemovalAndACreationAreEachReportedOnce() throws Exception {
        Path file = dir.resolve("input.txt");
        Files.writeString(file, "v1");
        files.follow(Map.of(file, WatchedFiles.stamp(file)));

        replace(file, "version 2");
        await().atMost(TIMEOUT).until(() -> changes.get() == 1);
        Files.delete(file);
        await().atMost(TIMEOUT).until(() -> changes.get() == 2);
        replace(file, "back");
        await().atMost(TIMEOUT).until(() -> changes.get() == 3);

        // an unchanged file is not reported again: the count holds over many polls
        await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> changes.get() == 3);
    }

    /**
     * Gives {@code file} its new content in one step: a plain write truncates or creates it first, and a poll that
     * falls between that and the write would see (and rightly report) two changes.
     */
    private void replace(Path file, String content) throws Exception {
        Path next = Files.writeString(dir.resolve(file.getFileName() + ".next"), content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void closedItReportsNothing() throws Exception {
        Path file = dir.resolve("input.txt");
        Files.writeString(file, "v1");
        files.follow(Map.of(file, WatchedFiles.stamp(file)));
        files.close();

        Files.writeString(file, "version 2");

        await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> changes.get() == 0);
    }
}
