package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import dev.taskdrivers.api.TaskConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image's removal pending when the runner (and so the driver) goes away is done by the driver of the next runner
 * at the same deadline, even when that runner has no docker task to recover, unless a task wants the image again.
 */
@Tag("real")
@Order(3)
class DockerImageRemovalAcrossRestartTest {
    private static final Duration DELAY = Duration.ofSeconds(2);

    @TempDir
    Path root;

    @TempDir
    Path dataDir;

    /** Looks at the engine while the driver under test is closed. */
    private DockerClient engine;

    private DockerDriver driver;
    private String image;

    @BeforeEach
    void setUp() {
        DockerTestEnv.requireEngine();
        engine = DockerClients.create(DockerDriverOptions.parse(Map.of()));
        image = DockerTestEnv.uniqueImage(engine, "removal");
        driver = driverWithRemovalDelay(DELAY);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (engine != null) {
            if (image != null && present()) {
                engine.removeImageCmd(image).exec();
            }
            engine.close();
        }
    }

    /** A driver as the runner creates it, on the same data directory each time. */
    private DockerDriver driverWithRemovalDelay(Duration delay) {
        return DockerTestEnv.driver(
                Map.of("image_gc", Map.of("enabled", true, "delay", delay.toMillis() + "ms")), dataDir);
    }

    private TaskConfig sleeper(String name) {
        return DockerTestEnv.task(root, name, Map.of("image", image, "command", "/bin/sleep", "args", List.of("600")));
    }

    private boolean present() {
        return DockerTestEnv.imagePresent(engine, image);
    }

    /** Runs a task on the image and cleans it up; returns the earliest the image's removal may be due. */
    private Instant runAndRelease(String name) {
        var task = DockerTestEnv.run(driver, sleeper(name));
        Instant releasedAfter = Instant.now();
        task.stopAndCleanup(driver);
        return releasedAfter.plus(DELAY);
    }

    @Test
    void aRemovalPendingWhenTheDriverClosesIsDoneByTheNextDriverAtItsDeadline() {
        Instant due = runAndRelease("gone");
        driver.close();
        assertThat(present())
                .as("closed within the removal delay: the image is still there")
                .isTrue();

        // the next runner has no docker task to recover and asks the driver nothing; its own delay is far longer
        driver = driverWithRemovalDelay(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !present());
        assertThat(Instant.now())
                .as("removed at the deadline set before the restart, not before it")
                .isAfter(due);
    }

    @Test
    void aRemovalOverdueWhenTheNextDriverStartsIsDoneAtOnce() {
        Instant due = runAndRelease("overdue");
        driver.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusMillis(500)));
        assertThat(present()).isTrue();

        driver = driverWithRemovalDelay(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !present());
    }

    @Test
    void aTaskWantingTheImageInTheNextDriverCancelsThePendingRemoval() {
        Instant due = runAndRelease("first");
        driver.close();

        driver = driverWithRemovalDelay(DELAY);
        var again = DockerTestEnv.run(driver, sleeper("again"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(due.plusSeconds(1)));
            assertThat(present())
                    .as("a task holds the image again: its pending removal is cancelled")
                    .isTrue();
            assertThat(driver.images().imagesRemoved()).isZero();
        } finally {
            again.stopAndCleanup(driver);
        }
        // released again in the new driver: removed after its own delay
        await().atMost(Duration.ofSeconds(30)).until(() -> !present());
    }
}
