package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code command}, {@code args} and {@code entrypoint} have Nomad's meaning, on an image with an ENTRYPOINT. */
@Tag("real")
class DockerCommandTest {
    private static DockerDriver driver;
    private static String image;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of());
        // the entrypoint writes what it was given to /local/out
        image = DockerTestEnv.buildImage(
                driver.client(),
                "entrypoint",
                "ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo \\\"image-entrypoint $*\\\" > /local/out\", \"sh\"]",
                "CMD [\"image-cmd\"]");
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            if (image != null) {
                driver.client().removeImageCmd(image).withForce(true).exec();
            }
            driver.close();
        }
    }

    private String runToExit(Map<String, Object> config) throws Exception {
        TaskConfig task = DockerTestEnv.task(root, "cmd", config);
        var started = DockerTestEnv.run(driver, task);
        try {
            assertThat(started.handle().exitFuture().get(30, TimeUnit.SECONDS).exitCode())
                    .isZero();
            return Files.readString(task.dirs().localDir().resolve("out")).strip();
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void commandAndArgsRunThroughTheImagesEntrypointAndEntrypointReplacesIt() throws Exception {
        assertThat(runToExit(Map.of("image", image))).isEqualTo("image-entrypoint image-cmd");
        assertThat(runToExit(Map.of("image", image, "command", "my-command", "args", List.of("a", "b"))))
                .isEqualTo("image-entrypoint my-command a b");
        assertThat(runToExit(Map.of("image", image, "args", List.of("only-args"))))
                .isEqualTo("image-entrypoint only-args");
        assertThat(runToExit(Map.of(
                        "image",
                        image,
                        "entrypoint",
                        List.of("/bin/sh", "-c", "echo \"replaced $*\" > /local/out", "sh"),
                        "command",
                        "x")))
                .isEqualTo("replaced x");
    }
}
