package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.artifacts.ArtifactServer;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Artifacts and templates written to the allocation's alloc directory ({@code ../alloc/x}, {@code
 * ${NOMAD_ALLOC_DIR}/x}) land in the host's alloc directory, whether the driver's tasks see the host's paths or
 * their own ({@code /alloc}, as docker's and exec's do); the task's own directories stay where they were.
 */
class AllocDirWritesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] CONFIG = "listen = 8080\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    ArtifactServer server;
    TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        server = new ArtifactServer();
        server.serve("/config.txt", CONFIG);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.stopAll(WAIT);
            runner.close();
        }
        server.close();
    }

    static Stream<Arguments> drivers() {
        return Stream.of(
                Arguments.of("host paths", new FakeDriver(), false),
                Arguments.of("container paths", FakeDriver.withContainerPaths(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void destinationsInTheAllocDirectoryLandInTheHostsAllocDirectory(
            String paths, FakeDriver driver, boolean containerPaths) throws Exception {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(driver)), root.resolve("data/drivers"), Map.of()))
                .build();
        TaskSpec web = task("web", Map.of("run_ms", 1)).toBuilder()
                .artifact(ArtifactSpec.builder(server.url("/config.txt"))
                        .destination("../alloc/dots.txt")
                        .mode(ArtifactSpec.Mode.FILE))
                .artifact(ArtifactSpec.builder(server.url("/config.txt")).destination("${NOMAD_ALLOC_DIR}/env"))
                .artifact(ArtifactSpec.builder(server.url("/config.txt")).destination("${NOMAD_TASK_DIR}/own"))
                .template(TemplateSpec.builder("${NOMAD_ALLOC_DIR}/seen.conf")
                        .data("alloc = {{ env \"NOMAD_ALLOC_DIR\" }}\n"))
                .template(TemplateSpec.builder("../alloc/dots.conf").data("dots\n"))
                .template(
                        TemplateSpec.builder("${NOMAD_SECRETS_DIR}/secret.conf").data("secret\n"))
                .build();

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("events: %s", alloc.events("web")).isFalse();
        Path taskDir = status.tasks().get("web").taskDir();
        Path shared = taskDir.resolveSibling("alloc");
        String allocSeen = containerPaths ? "/alloc" : shared.toString();
        assertThat(driver.startedEnv.get("web")).containsEntry("NOMAD_ALLOC_DIR", allocSeen);
        assertThat(shared.resolve("dots.txt")).hasBinaryContent(CONFIG);
        assertThat(shared.resolve("env/config.txt")).hasBinaryContent(CONFIG);
        assertThat(taskDir.resolve("local/own/config.txt")).hasBinaryContent(CONFIG);
        assertThat(Files.readString(shared.resolve("seen.conf")))
                .as("the template reads the path the task sees, and is written where the host keeps it")
                .isEqualTo("alloc = " + allocSeen + "\n");
        assertThat(Files.readString(shared.resolve("dots.conf"))).isEqualTo("dots\n");
        assertThat(Files.readString(taskDir.resolve("secrets/secret.conf"))).isEqualTo("secret\n");
        assertThat(taskDir.resolve("local/env")).doesNotExist();
        assertThat(server.hits("/config.txt")).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void templateDestinationsWithVariablesAreExpandedWithTheTasksEnvironment(
            String paths, FakeDriver driver, boolean containerPaths) throws Exception {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(driver)), root.resolve("data/drivers"), Map.of()))
                .build();
        TaskSpec web = task("web", Map.of("run_ms", 1)).toBuilder()
                .meta(Map.of("dir", "local/conf", "shared", "../alloc/conf"))
                .template(TemplateSpec.builder("${NOMAD_META_dir}/app.conf").data("app\n"))
                .template(TemplateSpec.builder("local/${NOMAD_TASK_NAME}.conf").data("named\n"))
                .template(TemplateSpec.builder("${NOMAD_ALLOC_DIR}/${NOMAD_TASK_NAME}.conf")
                        .data("shared\n"))
                .template(TemplateSpec.builder("${NOMAD_META_shared}/${NOMAD_GROUP_NAME}.conf")
                        .data("group\n"))
                .build();

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("events: %s", alloc.events("web")).isFalse();
        Path taskDir = status.tasks().get("web").taskDir();
        Path shared = taskDir.resolveSibling("alloc");
        assertThat(taskDir.resolve("local/conf/app.conf")).hasContent("app");
        assertThat(taskDir.resolve("local/web.conf")).hasContent("named");
        assertThat(shared.resolve("web.conf")).hasContent("shared");
        assertThat(shared.resolve("conf/group1.conf")).hasContent("group");
    }
}
