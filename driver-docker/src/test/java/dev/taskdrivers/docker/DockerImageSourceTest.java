package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the image comes from: {@code load}, {@code force_pull}, and {@code auth_soft_fail} when credentials fail. */
@Tag("real")
class DockerImageSourceTest {
    private static DockerDriver driver;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of());
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void loadsTheImageFromAnArchiveInTheLocalDirBeforeTheCreate() throws Exception {
        String image = DockerTestEnv.uniqueImage(driver.client(), "load");
        TaskConfig task = DockerTestEnv.task(
                root,
                "loaded",
                Map.of("image", image, "load", "image.tar", "command", "sleep", "args", List.of("600")));
        try {
            try (InputStream saved = driver.client().saveImageCmd(image).exec()) {
                Files.copy(saved, task.dirs().localDir().resolve("image.tar"));
            }
            driver.client().removeImageCmd(image).exec(); // only the tag goes; the archive brings it back
            assertThat(DockerTestEnv.imagePresent(driver.client(), image)).isFalse();

            var started = DockerTestEnv.run(driver, task);
            try {
                assertThat(started.handle()
                                .exec(ExecRequest.of(List.of("echo", "loaded"), Duration.ofSeconds(10)))
                                .stdout())
                        .isEqualTo("loaded\n");
                assertThat(driver.client()
                                .inspectContainerCmd(started.handle().containerId())
                                .exec()
                                .getConfig()
                                .getImage())
                        .isEqualTo(image);
            } finally {
                started.stopAndCleanup(driver);
            }
        } finally {
            if (DockerTestEnv.imagePresent(driver.client(), image)) {
                driver.client().removeImageCmd(image).exec();
            }
        }

        TaskConfig missing = DockerTestEnv.task(root, "missing", Map.of("image", image, "load", "nothing.tar"));
        assertThatThrownBy(() -> driver.prestart(missing, EventEmitter.NONE))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("config.load: no image archive at");
        assertThat(driver.validate(
                        DockerTestEnv.task(root, "escaping", Map.of("image", image, "load", "../../etc/x.tar"))))
                .extracting(ValidationProblem::field)
                .containsExactly("config.load");
    }

    @Test
    void authSoftFailGoesOnWithoutCredentialsWhenTheHelperFails() throws Exception {
        Path config = root.resolve("config.json");
        Files.writeString(config, "{\"credsStore\": \"taskdrivers-test-missing-helper\"}");
        try (DockerDriver helperless = DockerTestEnv.driver(Map.of("auth_config", config.toString()))) {
            TaskConfig strict = DockerTestEnv.task(root, "strict", Map.of("image", LOCAL_IMAGE));
            assertThatThrownBy(() -> helperless.prestart(strict, EventEmitter.NONE))
                    .isInstanceOf(DriverException.class)
                    .hasMessageContaining("docker-credential-taskdrivers-test-missing-helper");

            TaskConfig soft = DockerTestEnv.task(root, "soft", Map.of("image", LOCAL_IMAGE, "auth_soft_fail", true));
            PrestartResult prestart = helperless.prestart(soft, EventEmitter.NONE);
            assertThat(prestart.created().get("image")).containsExactly(LOCAL_IMAGE);
            helperless.cleanup(soft, prestart.created());
            helperless.cleanup(strict, CreatedResources.empty());
        }
    }

    @Test
    void forcePullPullsAnImageThatIsAlreadyPresent() {
        DockerTestEnv.requireRegistry();
        boolean wasPresent = DockerTestEnv.imagePresent(driver.client(), DockerTestEnv.REGISTRY_IMAGE);
        Map<String, Object> config = Map.of("image", DockerTestEnv.REGISTRY_IMAGE, "auth", DockerTestEnv.auth());
        TaskConfig first = DockerTestEnv.task(root, "first", config);
        PrestartResult present = driver.prestart(first, EventEmitter.NONE);
        try {
            int pulls = driver.images().pullsStarted();
            TaskConfig forced = DockerTestEnv.task(
                    root,
                    "forced",
                    Map.of("image", DockerTestEnv.REGISTRY_IMAGE, "auth", DockerTestEnv.auth(), "force_pull", true));
            PrestartResult again = driver.prestart(forced, EventEmitter.NONE);
            driver.cleanup(forced, again.created());
            assertThat(driver.images().pullsStarted()).isEqualTo(pulls + 1);
            TaskConfig plain = DockerTestEnv.task(root, "plain", config);
            driver.cleanup(plain, driver.prestart(plain, EventEmitter.NONE).created());
            assertThat(driver.images().pullsStarted())
                    .as("no pull without force_pull")
                    .isEqualTo(pulls + 1);
        } finally {
            driver.cleanup(first, present.created());
            if (!wasPresent) {
                driver.client().removeImageCmd(DockerTestEnv.REGISTRY_IMAGE).exec();
            }
        }
    }

    @Test
    void infraImageIsAnOperatorOptionWithNomadsPauseImageAsDefault() {
        assertThat(DockerDriverOptions.parse(
                        Map.of("infra_image", "registry.k8s.io/pause:3.3", "infra_image_pull_timeout", "1m")))
                .satisfies(o -> {
                    assertThat(o.infraImage()).isEqualTo("registry.k8s.io/pause:3.3");
                    assertThat(o.infraImagePullTimeout()).isEqualTo(java.time.Duration.ofMinutes(1));
                });
        assertThat(DockerDriverOptions.parse(Map.of()).infraImage()).isEqualTo("registry.k8s.io/pause-amd64:3.3");
        assertThatThrownBy(() -> DockerDriverOptions.parse(
                        Map.of("infra_image", "Not An Image", "infra_image_pull_timeout", "0s")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.problems())
                                .extracting(p -> p.field() + ": " + p.problem())
                                .containsExactlyInAnyOrder(
                                        "docker.infra_image: is not an image reference: \"Not An Image\"",
                                        "docker.infra_image_pull_timeout: must be more than 0"));
    }
}
