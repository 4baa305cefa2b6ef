package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to the engine breaks while a container is being created: the engine made the container but the
 * driver never got its id. A proxy in front of the real engine forwards the create and cuts the connection as the
 * answer arrives. The container must not outlive the task.
 */
@Tag("real")
@Order(2)
class DockerCreateCutOffTest {
    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    @TempDir
    Path root;

    @Test
    void aCreateCutOffLeavesNoContainerBehind() throws Exception {
        DockerTestEnv.requireEngine();
        try (CreateCuttingProxy proxy = new CreateCuttingProxy(root.resolve("engine.sock"), ENGINE, false);
                DockerDriver driver = DockerTestEnv.driver(Map.of("endpoint", proxy.endpoint()));
                DockerDriver direct = DockerTestEnv.driver(Map.of())) {
            TaskConfig task = sleeper();
            PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
            try {
                assertThatThrownBy(() -> driver.start(DockerTestEnv.withEnv(task, prestart), EventEmitter.NONE))
                        .isInstanceOfSatisfying(
                                DriverException.class,
                                e -> assertThat(e.isRecoverable())
                                        .as("recoverable")
                                        .isTrue())
                        .hasMessageContaining("create container " + DockerLabels.containerName(task.id()));

                assertThat(proxy.cuts()).as("create answers cut off").isEqualTo(1);
                assertThat(containersOf(direct.client(), task))
                        .as("containers of the task after start failed")
                        .isEmpty();
            } finally {
                driver.cleanup(task, prestart.created());
            }
        }
    }

    @Test
    void cleanupRemovesAContainerWhoseCreateWasCutOffWhileTheEngineWasDown() throws Exception {
        DockerTestEnv.requireEngine();
        try (CreateCuttingProxy proxy = new CreateCuttingProxy(root.resolve("engine.sock"), ENGINE, true);
                DockerDriver driver = DockerTestEnv.driver(Map.of("endpoint", proxy.endpoint()));
                DockerDriver direct = DockerTestEnv.driver(Map.of())) {
            TaskConfig task = sleeper();
            PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
            try {
                assertThatThrownBy(() -> driver.start(DockerTestEnv.withEnv(task, prestart), EventEmitter.NONE))
                        .isInstanceOfSatisfying(
                                DriverException.class,
                                e -> assertThat(e.isRecoverable())
                                        .as("recoverable")
                                        .isTrue());
                // the engine made it, and nobody could remove it while the engine was unreachable
                assertThat(containersOf(direct.client(), task))
                        .as("container made by the cut-off create")
                        .hasSize(1);

                proxy.heal();
                // what the runner has recorded: only the image; no container id was ever returned
                assertThat(prestart.created().get(DockerDriver.CONTAINER_RESOURCE))
                        .isEmpty();
                driver.cleanup(task, prestart.created());

                assertThat(containersOf(direct.client(), task))
                        .as("containers of the task after cleanup")
                        .isEmpty();
            } finally {
                direct.cleanup(task, prestart.created());
            }
        }
    }

    private TaskConfig sleeper() {
        return DockerTestEnv.task(
                root, "cut-off", Map.of("image", LOCAL_IMAGE, "command", "/bin/sleep", "args", List.of("600")));
    }

    private static List<Container> containersOf(DockerClient docker, TaskConfig task) {
        return DockerTestEnv.ourContainers(docker).stream()
                .filter(c -> task.id().key().equals(DockerLabels.taskKey(c.getLabels())))
                .toList();
    }
}
