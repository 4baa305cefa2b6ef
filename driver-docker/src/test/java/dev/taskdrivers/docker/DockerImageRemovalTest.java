package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.REGISTRY_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image reference counts and delayed removal, including across a runner restart (a new driver instance). */
@Tag("real")
@Order(3)
class DockerImageRemovalTest {
    private static final Map<String, Object> FAST_GC = Map.of("image_gc", Map.of("enabled", true, "delay", "300ms"));

    @TempDir
    Path root;

    private DockerDriver driver;

    @BeforeEach
    void setUp() {
        DockerTestEnv.requireRegistry();
        driver = DockerTestEnv.driver(FAST_GC);
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            if (DockerTestEnv.imagePresent(driver.client(), REGISTRY_IMAGE)) {
                driver.client().removeImageCmd(REGISTRY_IMAGE).exec();
            }
            driver.close();
        }
    }

    private TaskConfig sleeper(String name) {
        return DockerTestEnv.task(
                root,
                name,
                Map.of(
                        "image",
                        REGISTRY_IMAGE,
                        "auth",
                        DockerTestEnv.auth(),
                        "command",
                        "/bin/sleep",
                        "args",
                        List.of("600")));
    }

    /** The image stays for the whole of a window well past the removal delay (300 ms; 100 ms with gc off). */
    private void stillPresentWellPastTheDelay() {
        await("the image to stay")
                .during(Duration.ofMillis(800))
                .atMost(Duration.ofSeconds(10))
                .until(this::present);
    }

    private boolean present() {
        return DockerTestEnv.imagePresent(driver.client(), REGISTRY_IMAGE);
    }

    @Test
    void removedAfterTheDelayOnceTheLastTaskIsDoneAndKeptWhileInUse() throws Exception {
        var a = DockerTestEnv.run(driver, sleeper("a"));
        var b = DockerTestEnv.run(driver, sleeper("b"));
        assertThat(driver.images().pullsStarted()).isEqualTo(1);
        a.stopAndCleanup(driver);
        stillPresentWellPastTheDelay(); // b still holds it
        assertThat(driver.images().imagesRemoved()).isZero();

        b.stopAndCleanup(driver);
        await().atMost(Duration.ofSeconds(10)).until(() -> !present());
        assertThat(driver.images().imagesRemoved()).isEqualTo(1);
    }

    @Test
    void aTaskWantingTheImageAgainCancelsTheRemoval() throws Exception {
        var a = DockerTestEnv.run(driver, sleeper("a"));
        a.stopAndCleanup(driver);
        var b = DockerTestEnv.run(driver, sleeper("b")); // within the 300 ms delay
        try {
            stillPresentWellPastTheDelay();
            assertThat(driver.images().imagesRemoved()).isZero();
        } finally {
            b.stopAndCleanup(driver);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !present());
    }

    @Test
    void countsSurviveARunnerRestart() throws Exception {
        var survivor = DockerTestEnv.run(driver, sleeper("survivor"));
        var state = survivor.handle().state();
        survivor.handle().close();
        driver.close(); // the runner goes away; the task keeps running

        driver = DockerTestEnv.driver(FAST_GC);
        // another task of the new runner uses and releases the same image
        var other = DockerTestEnv.run(driver, sleeper("other"));
        other.stopAndCleanup(driver);
        stillPresentWellPastTheDelay();
        assertThat(driver.images().imagesRemoved()).isZero();
        assertThat(driver.images().holders(REGISTRY_IMAGE))
                .containsExactly(survivor.task().id().key());

        // the runner recovers the survivor, which later ends and is cleaned up: now the image goes
        TaskHandle recovered = driver.recover(survivor.task(), state, EventEmitter.NONE);
        recovered.stop(Duration.ofSeconds(1), "SIGKILL").get(20, TimeUnit.SECONDS);
        driver.cleanup(
                survivor.task(),
                survivor.prestart().created().merge(survivor.start().created()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !present());
    }

    @Test
    void operatorCanSwitchRemovalOff() throws Exception {
        driver.close();
        driver = DockerTestEnv.driver(Map.of("image_gc", Map.of("enabled", false, "delay", "100ms")));
        var a = DockerTestEnv.run(driver, sleeper("a"));
        a.stopAndCleanup(driver);
        stillPresentWellPastTheDelay();
        assertThat(driver.images().imagesRemoved()).isZero();
        driver.cleanup(a.task(), CreatedResources.empty()); // nothing left to release
    }

    @Test
    void anImageRemovedBehindTheDriversBackIsPulledAgainByTheCreate() throws Exception {
        driver.close();
        driver = DockerTestEnv.driver(Map.of("image_gc", Map.of("enabled", false)));
        var a = DockerTestEnv.run(driver, sleeper("a"));
        a.stopAndCleanup(driver);
        driver.client().removeImageCmd(REGISTRY_IMAGE).exec(); // the driver still believes it is there

        var b = DockerTestEnv.run(driver, sleeper("b"));
        try {
            assertThat(driver.images().pullsStarted()).isEqualTo(2);
            assertThat(present()).isTrue();
            assertThat(b.start().handle().exitFuture()).isNotDone();
        } finally {
            b.stopAndCleanup(driver);
        }
    }
}
