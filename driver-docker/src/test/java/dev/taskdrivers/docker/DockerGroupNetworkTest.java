package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bridge group's network: one infra container per allocation whose namespace the tasks share. */
@Tag("real")
class DockerGroupNetworkTest {
    private static DockerDriver driver;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of("infra_image", LOCAL_IMAGE));
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void tasksShareTheInfraNamespaceAndTheHostReachesTheMappedPort() throws Exception {
        String allocId = UUID.randomUUID().toString();
        int hostPort = DockerTestEnv.freePort();
        TaskConfig web = task(
                allocId,
                "web",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "command",
                        "httpd",
                        "args",
                        List.of("-f", "-p", "8080", "-h", "/local"),
                        "port_map",
                        Map.of("http", 8080)),
                List.of(new Port("http", hostPort, "127.0.0.1")));
        TaskConfig client = task(
                allocId, "client", Map.of("image", LOCAL_IMAGE, "command", "sleep", "args", List.of("300")), List.of());
        Files.writeString(web.dirs().localDir().resolve("index.html"), "from the group");

        GroupNetwork network = driver.createGroupNetwork(GroupNetworkRequest.of(allocId, List.of(web, client)));
        assertThat(network.taskOptions()).containsEntry("network_mode", "container:" + network.id());
        assertThat(driver.createGroupNetwork(GroupNetworkRequest.of(allocId, List.of(web, client))))
                .as("created once per allocation")
                .isEqualTo(network);
        DockerTestEnv.Started webStarted = DockerTestEnv.run(driver, joined(web, network));
        DockerTestEnv.Started clientStarted = DockerTestEnv.run(driver, joined(client, network));
        try {
            assertThat(webStarted.prestart().portMap()).containsEntry("http", 8080);
            assertThat(webStarted.start().network())
                    .as("the namespace's address with the port inside it")
                    .hasValueSatisfying(n -> assertThat(n.portMap()).containsEntry("http", 8080));
            await().atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(clientStarted
                                    .handle()
                                    .exec(ExecRequest.of(
                                            List.of("wget", "-qO-", "http://localhost:8080/index.html"),
                                            Duration.ofSeconds(5)))
                                    .stdout())
                            .isEqualTo("from the group"));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
                    .build();
            await().atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(http.send(get, HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .isEqualTo("from the group"));
            assertThat(driver.findGroupNetwork(allocId)).contains(network);
        } finally {
            webStarted.stopAndCleanup(driver);
            clientStarted.stopAndCleanup(driver);
            driver.destroyGroupNetwork(allocId);
        }
        assertThat(infraContainers(allocId))
                .as("the infra container is removed")
                .isEmpty();
        assertThat(driver.findGroupNetwork(allocId)).isEmpty();
        driver.destroyGroupNetwork(allocId); // idempotent
    }

    @Test
    void aStoppedInfraContainerIsStartedAgainWhenFound() {
        String allocId = UUID.randomUUID().toString();
        TaskConfig only = task(allocId, "only", Map.of("image", LOCAL_IMAGE), List.of());
        GroupNetwork network = driver.createGroupNetwork(GroupNetworkRequest.of(allocId, List.of(only)));
        try {
            driver.client().stopContainerCmd(network.id()).withTimeout(0).exec();
            assertThat(driver.findGroupNetwork(allocId)).contains(network);
            assertThat(driver.client()
                            .inspectContainerCmd(network.id())
                            .exec()
                            .getState()
                            .getRunning())
                    .isTrue();
        } finally {
            driver.destroyGroupNetwork(allocId);
        }
        assertThat(infraContainers(allocId)).isEmpty();
    }

    @Test
    void anInfraContainerThatCannotBeStartedAgainIsReplacedByCreate() {
        String allocId = UUID.randomUUID().toString();
        // what an engine may leave of an infra container: ours, by name and labels, but it fails to start
        String stale = driver.client()
                .createContainerCmd(LOCAL_IMAGE)
                .withName(InfraContainers.name(allocId))
                .withLabels(Map.of(
                        DockerLabels.MANAGED, "true", DockerLabels.ALLOC_ID, allocId, InfraContainers.ROLE, "network"))
                .withCmd("/no/such/command")
                .exec()
                .getId();
        TaskConfig only = task(allocId, "only", Map.of("image", LOCAL_IMAGE), List.of());
        try {
            assertThat(driver.findGroupNetwork(allocId))
                    .as("it cannot be started")
                    .isEmpty();

            GroupNetwork network = driver.createGroupNetwork(GroupNetworkRequest.of(allocId, List.of(only)));

            assertThat(network.id()).isNotEqualTo(stale);
            assertThat(infraContainers(allocId)).singleElement().satisfies(c -> {
                assertThat(c.getId()).isEqualTo(network.id());
                assertThat(c.getState()).isEqualTo("running");
            });
        } finally {
            driver.destroyGroupNetwork(allocId);
        }
        assertThat(infraContainers(allocId)).isEmpty();
    }

    private static List<Container> infraContainers(String allocId) {
        return driver.client()
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(DockerLabels.ALLOC_ID, allocId, InfraContainers.ROLE, "network"))
                .exec();
    }

    private TaskConfig task(String allocId, String name, Map<String, Object> config, List<Port> ports) {
        TaskId id = new TaskId(allocId, "job", "group", 0, name);
        TaskDirs dirs = TaskDirs.standard(root.resolve(allocId), name);
        try {
            for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
                Files.createDirectories(p);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new TaskConfig(
                id, config, Map.of(), new Resources(100, 64, ports), dirs, null, Duration.ofSeconds(1), null);
    }

    /** The task as the runner starts it in the group: with the network's task options. */
    private static TaskConfig joined(TaskConfig task, GroupNetwork network) {
        Map<String, Object> config = new HashMap<>(task.driverConfig());
        config.putAll(network.taskOptions());
        return new TaskConfig(
                task.id(),
                config,
                task.env(),
                task.resources(),
                task.dirs(),
                task.user(),
                task.killTimeout(),
                task.killSignal());
    }
}
