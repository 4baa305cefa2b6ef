package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.DisconnectFromNetworkCmd;
import com.github.dockerjava.api.command.InspectContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.RemoveContainerCmd;
import com.github.dockerjava.api.command.StartContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * The engine's "endpoint with name ... already exists in network" start failure (left by an engine restart) is not
 * reproducible on demand, so the launcher's reaction to it is checked against a scripted engine client.
 */
class StaleEndpointRecoveryTest {
    private static final DockerException STALE =
            new DockerException("{\"message\":\"endpoint with name t-1 already exists in network bridge\"}", 403);

    @TempDir
    Path root;

    private final DockerClient docker = mock(DockerClient.class);
    private final CreateContainerCmd create = mock(CreateContainerCmd.class, RETURNS_SELF);
    private final StartContainerCmd startFirst = mock(StartContainerCmd.class);
    private final StartContainerCmd startSecond = mock(StartContainerCmd.class);
    private final RemoveContainerCmd removeFirst = mock(RemoveContainerCmd.class, RETURNS_SELF);
    private final RemoveContainerCmd removeSecond = mock(RemoveContainerCmd.class, RETURNS_SELF);
    private final DisconnectFromNetworkCmd disconnect = mock(DisconnectFromNetworkCmd.class, RETURNS_SELF);
    private final InspectContainerCmd inspect = mock(InspectContainerCmd.class);
    private TaskConfig task;
    private DockerTaskSettings settings;

    @BeforeEach
    void engine() {
        task = DockerTestEnv.task(root, "t", Map.of("image", "busybox:1"));
        settings = DockerTaskSettings.read(task.driverConfig(), DockerDriverOptions.parse(Map.of()))
                .settings();
        CreateContainerResponse first = new CreateContainerResponse();
        first.setId("first");
        CreateContainerResponse second = new CreateContainerResponse();
        second.setId("second");
        when(docker.createContainerCmd(anyString())).thenReturn(create);
        when(create.exec()).thenReturn(first, second);
        when(docker.startContainerCmd("first")).thenReturn(startFirst);
        when(docker.startContainerCmd("second")).thenReturn(startSecond);
        when(startFirst.exec()).thenThrow(STALE);
        when(docker.removeContainerCmd("first")).thenReturn(removeFirst);
        when(docker.removeContainerCmd("second")).thenReturn(removeSecond);
        when(docker.disconnectFromNetworkCmd()).thenReturn(disconnect);
        when(docker.inspectContainerCmd("second")).thenReturn(inspect);
        when(inspect.exec()).thenReturn(new InspectContainerResponse());
    }

    /** A launcher whose first look at a started container is a plain inspect, without an exit watcher. */
    private ContainerLauncher launcher() {
        return new ContainerLauncher(
                docker,
                id -> new ContainerWatcher.Started(
                        docker.inspectContainerCmd(id).exec(), new java.util.concurrent.CompletableFuture<>()));
    }

    @Test
    void removesTheContainerDropsTheEndpointAndStartsANewContainer() {
        ContainerLauncher.Launched launched = launcher().launch(task, settings, ImageRef.parse("busybox:1"), () -> {});

        assertThat(launched.containerId()).isEqualTo("second");
        InOrder order = inOrder(docker, removeFirst, disconnect, startSecond);
        order.verify(docker).removeContainerCmd("first");
        order.verify(removeFirst).exec();
        order.verify(disconnect).withNetworkId("bridge");
        order.verify(disconnect).withContainerId("t-1");
        order.verify(disconnect).withForce(true);
        order.verify(disconnect).exec();
        order.verify(startSecond).exec();
        verify(docker, never()).removeContainerCmd("second");
    }

    @Test
    void aSecondFailureIsRecoverableAndLeavesNoContainer() {
        when(startSecond.exec()).thenThrow(STALE);

        assertThatThrownBy(() -> launcher().launch(task, settings, ImageRef.parse("busybox:1"), () -> {}))
                .isInstanceOfSatisfying(
                        DriverException.class,
                        e -> assertThat(e.isRecoverable()).isTrue())
                .hasMessageContaining("stale network endpoint")
                .hasMessageContaining("already exists in network bridge");
        verify(removeFirst).exec();
        verify(removeSecond).exec();
    }
}
