package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigTest {
    private final TaskConfig task = new TaskConfig(
            new TaskId("a1", "job", "group", 0, "web"),
            Map.of("image", "busybox"),
            Map.of("A", "1"),
            new Resources(100, 256, List.of(new Port("http", 8080, "127.0.0.1"))),
            TaskDirs.standard(Path.of("/tmp/alloc"), "web"),
            "nobody",
            Duration.ofSeconds(7),
            "SIGINT",
            LogConfig.of(3, 5));

    @Test
    void withDriverConfigChangesOnlyTheConfig() {
        TaskConfig joined = task.withDriverConfig(Map.of("image", "busybox", "network_mode", "container:x"));

        assertThat(joined.driverConfig()).containsEntry("network_mode", "container:x");
        assertThat(joined)
                .usingRecursiveComparison()
                .ignoringFields("driverConfig")
                .isEqualTo(task);
    }

    @Test
    void withEnvAndWithLogsChangeOnlyTheirField() {
        assertThat(task.withEnv(Map.of("B", "2")))
                .usingRecursiveComparison()
                .ignoringFields("env")
                .isEqualTo(task);
        assertThat(task.withLogs(LogConfig.DEFAULT))
                .usingRecursiveComparison()
                .ignoringFields("logs")
                .isEqualTo(task);
    }

    @Test
    void aTaskHasNoMountsUnlessGivenAndKeepsThemThroughEveryCopy() {
        TaskMount data = new TaskMount(Path.of("/srv/data"), "/alloc/data", true, TaskMount.Propagation.HOST_TO_TASK);
        TaskConfig mounted = task.withMounts(List.of(data));

        assertThat(task.mounts()).isEmpty();
        assertThat(mounted.mounts()).containsExactly(data);
        assertThat(mounted).usingRecursiveComparison().ignoringFields("mounts").isEqualTo(task);
        assertThat(mounted.withEnv(Map.of()).mounts()).containsExactly(data);
        assertThat(mounted.withDriverConfig(Map.of()).mounts()).containsExactly(data);
        assertThat(mounted.withLogs(LogConfig.DEFAULT).mounts()).containsExactly(data);
        assertThat(mounted.toString()).contains("/srv/data");
    }

    @Test
    void aMountsPathsAreAbsoluteAndItsPropagationIsNamedAsInNomad() {
        assertThat(TaskMount.Propagation.fromSpecName("host-to-task")).contains(TaskMount.Propagation.HOST_TO_TASK);
        assertThat(TaskMount.Propagation.fromSpecName("sideways")).isEmpty();
        assertThat(TaskMount.Propagation.BIDIRECTIONAL.specName()).isEqualTo("bidirectional");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TaskMount(Path.of("data"), "/data", false, TaskMount.Propagation.PRIVATE))
                .hasMessage("hostPath must be absolute, got \"data\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TaskMount(Path.of("/data"), "data", false, TaskMount.Propagation.PRIVATE))
                .hasMessage("taskPath must be absolute, got \"data\"");
    }
}
