package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine calls of a one-shot task (prestart, start, exit, cleanup), counted by a proxy in front of the real
 * engine: besides what {@code docker run --rm} asks (create, start, the output, the exit, remove) only the image
 * inspect, the list that rebuilds image references, the shared event stream, and one container inspect at the start
 * (its network and first look at its exit), plus one after the exit when the container was still running then.
 */
@Tag("real")
@Order(2)
class DockerEngineCallsTest {
    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    @TempDir
    Path root;

    @Test
    void aOneShotTaskMakesNoRedundantEngineCalls() throws Exception {
        DockerTestEnv.requireEngine();
        try (EngineCallRecorder engine = new EngineCallRecorder(root.resolve("engine.sock"), ENGINE);
                DockerDriver driver = DockerTestEnv.driver(Map.of("endpoint", engine.endpoint()))) {
            TaskConfig task = DockerTestEnv.task(root, "oneshot", Map.of("image", LOCAL_IMAGE, "command", "/bin/true"));
            DockerTestEnv.Started started = DockerTestEnv.run(driver, task);
            String id = started.handle().containerId();
            String name = DockerLabels.containerName(task.id());

            ExitResult exit = started.handle().exitFuture().get(60, TimeUnit.SECONDS);
            driver.cleanup(
                    started.task(),
                    started.prestart().created().merge(started.start().created()));
            started.handle().close();

            assertThat(exit.exitCode()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.calls().contains("GET /events"));
            List<String> calls = engine.calls().stream()
                    .map(c -> c.replace(id, "{id}")
                            .replace(name, "{name}")
                            .replaceAll("^GET /images/.*/json$", "GET /images/{image}/json"))
                    .toList();
            assertThat(calls.stream().filter(c -> !c.equals("GET /containers/{id}/json")))
                    .as("engine calls besides inspects of the container")
                    .containsExactlyInAnyOrder(
                            "GET /containers/json",
                            "GET /images/{image}/json",
                            "GET /events",
                            "POST /containers/create",
                            "POST /containers/{id}/start",
                            "GET /containers/{id}/logs",
                            "DELETE /containers/{id}");
            assertThat(calls.stream().filter(c -> c.equals("GET /containers/{id}/json")))
                    .as("inspects of the container: its first look, and one at its exit if it still ran then")
                    .hasSizeBetween(1, 2);
        }
    }

    @Test
    void stopAndCleanupOfARunningTaskCallTheEngineByIdOnlyAndNothingFails() throws Exception {
        DockerTestEnv.requireEngine();
        try (EngineCallRecorder engine = new EngineCallRecorder(root.resolve("engine.sock"), ENGINE);
                DockerDriver driver = DockerTestEnv.driver(Map.of("endpoint", engine.endpoint()))) {
            TaskConfig task = DockerTestEnv.task(
                    root,
                    "stopped",
                    Map.of(
                            "image",
                            LOCAL_IMAGE,
                            "command",
                            "/bin/sh",
                            "args",
                            List.of(
                                    "-c",
                                    "trap 'exit 0' TERM; echo ready > /local/ready; while true; do sleep 0.1; done")),
                    Resources.defaults(),
                    Duration.ofSeconds(10));
            DockerTestEnv.Started started = DockerTestEnv.run(driver, task);
            String id = started.handle().containerId();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(task.dirs().localDir().resolve("ready"))
                            && engine.calls().contains("GET /events"));
            int before = engine.calls().size();

            ExitResult exit =
                    started.handle().stop(Duration.ofSeconds(10), "SIGTERM").get(30, TimeUnit.SECONDS);
            driver.cleanup(
                    started.task(),
                    started.prestart().created().merge(started.start().created()));
            started.handle().close();

            assertThat(exit.exitCode()).isZero();
            List<String> calls = engine.calls().subList(before, engine.calls().size()).stream()
                    .map(c -> c.replace(id, "{id}"))
                    .toList();
            assertThat(calls.stream().filter(c -> !c.equals("GET /containers/{id}/json")))
                    .as("engine calls of stop and cleanup besides inspects of the container")
                    .containsExactly("POST /containers/{id}/kill", "DELETE /containers/{id}");
            assertThat(calls.stream().filter(c -> c.equals("GET /containers/{id}/json")))
                    .as("inspects of the container: at most one at its exit")
                    .hasSizeLessThanOrEqualTo(1);
            assertThat(engine.callsAnswered(404))
                    .as("calls the engine answered 404 Not Found")
                    .isEmpty();
        }
    }
}
