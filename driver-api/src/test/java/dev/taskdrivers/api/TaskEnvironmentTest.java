package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEnvironmentTest {
    private final TaskId id = new TaskId("a1b2", "shop", "web", 2, "server");

    @Test
    void setsTheNomadVariables() {
        TaskDirs dirs = TaskDirs.standard(Path.of("/data/a1b2"), "server");
        Map<String, String> env = TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(new Resources(250, 128, List.of()))
                .meta(Map.of("owner", "team-a"))
                .datacenter("eu1")
                .region("europe")
                .build();

        assertThat(env)
                .containsEntry("NOMAD_ALLOC_DIR", "/data/a1b2/alloc")
                .containsEntry("NOMAD_TASK_DIR", "/data/a1b2/server/local")
                .containsEntry("NOMAD_SECRETS_DIR", "/data/a1b2/server/secrets")
                .containsEntry("NOMAD_MEMORY_LIMIT", "128")
                .containsEntry("NOMAD_CPU_LIMIT", "250")
                .containsEntry("NOMAD_ALLOC_ID", "a1b2")
                .containsEntry("NOMAD_ALLOC_NAME", "shop.web[2]")
                .containsEntry("NOMAD_ALLOC_INDEX", "2")
                .containsEntry("NOMAD_TASK_NAME", "server")
                .containsEntry("NOMAD_GROUP_NAME", "web")
                .containsEntry("NOMAD_JOB_NAME", "shop")
                .containsEntry("NOMAD_DC", "eu1")
                .containsEntry("NOMAD_REGION", "europe")
                .containsEntry("NOMAD_META_owner", "team-a")
                .containsEntry("NOMAD_META_OWNER", "team-a");
    }

    @Test
    void setsTheJobIdNamespaceAndShortAllocId() {
        TaskId longId = new TaskId("0123456789abcdef", "shop", "web", 0, "server");
        Map<String, String> defaults = TaskEnvironment.builder(longId).build();
        assertThat(defaults)
                .containsEntry("NOMAD_JOB_ID", "shop")
                .containsEntry("NOMAD_NAMESPACE", "default")
                .containsEntry("NOMAD_SHORT_ALLOC_ID", "01234567")
                .doesNotContainKeys("NOMAD_JOB_PARENT_ID", "NOMAD_MEMORY_MAX_LIMIT", "NOMAD_CPU_CORES");

        Map<String, String> set = TaskEnvironment.builder(longId)
                .jobId("shop/periodic-1700000000")
                .jobParentId("shop")
                .namespace("team-a")
                .build();
        assertThat(set)
                .containsEntry("NOMAD_JOB_ID", "shop/periodic-1700000000")
                .containsEntry("NOMAD_JOB_PARENT_ID", "shop")
                .containsEntry("NOMAD_NAMESPACE", "team-a");
    }

    @Test
    void aMemoryMaximumAndReservedCoresAreSetAsNomadSetsThem() {
        Resources resources =
                new Resources(250, 128, List.of()).withMemoryMaxMb(512).withReservedCores(List.of(3, 0, 1));

        Map<String, String> env =
                TaskEnvironment.builder(id).resources(resources).build();

        assertThat(env)
                .containsEntry("NOMAD_MEMORY_LIMIT", "128")
                .containsEntry("NOMAD_MEMORY_MAX_LIMIT", "512")
                .containsEntry("NOMAD_CPU_CORES", "0-1,3");
    }

    @Test
    void aMemoryMaximumBelowTheMemoryIsRefused() {
        Resources resources = new Resources(250, 128, List.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resources.withMemoryMaxMb(64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memoryMaxMb");
        assertThat(resources.memoryLimitMb()).isEqualTo(128);
        assertThat(resources.withMemoryMaxMb(256).memoryLimitMb()).isEqualTo(256);
    }

    @Test
    void portVariablesUseThePortMapForThePortInsideTheTask() {
        Resources resources = new Resources(
                100, 64, List.of(new Port("http", 23456, "127.0.0.1"), new Port("admin-ui", 23457, "127.0.0.1")));
        Map<String, String> env = TaskEnvironment.builder(id)
                .resources(resources)
                .portMap(Map.of("http", 8080))
                .build();

        assertThat(env)
                .containsEntry("NOMAD_PORT_http", "8080")
                .containsEntry("NOMAD_HOST_PORT_http", "23456")
                .containsEntry("NOMAD_IP_http", "127.0.0.1")
                .containsEntry("NOMAD_ADDR_http", "127.0.0.1:23456")
                .containsEntry("NOMAD_PORT_admin_ui", "23457");
    }

    @Test
    void siblingPortsCarryTheTaskName() {
        Map<String, String> env = TaskEnvironment.builder(id)
                .sibling("db", List.of(new Port("pg", 25432, "10.0.0.5")), Map.of())
                .build();

        assertThat(env).containsEntry("NOMAD_ADDR_db_pg", "10.0.0.5:25432").containsEntry("NOMAD_PORT_db_pg", "25432");
    }

    @Test
    void groupPortsOfASiblingAppearUnderTheirBareLabelUnlessTheTaskHasThatLabelItself() {
        Map<String, String> env = TaskEnvironment.builder(id)
                .resources(new Resources(100, 64, List.of(new Port("admin", 21000, "10.0.0.5"))))
                .sibling(
                        "web",
                        List.of(new Port("http", 25000, "10.0.0.5"), new Port("admin", 25001, "10.0.0.5")),
                        Map.of("http", 8080))
                .groupPorts(
                        List.of(new Port("http", 25000, "10.0.0.5"), new Port("admin", 25001, "10.0.0.5")),
                        Map.of("http", 8080))
                .build();

        assertThat(env)
                .containsEntry("NOMAD_PORT_http", "8080")
                .containsEntry("NOMAD_HOST_PORT_http", "25000")
                .containsEntry("NOMAD_IP_http", "10.0.0.5")
                .containsEntry("NOMAD_ADDR_http", "10.0.0.5:25000")
                .containsEntry("NOMAD_PORT_web_http", "8080")
                .as("its own admin port wins")
                .containsEntry("NOMAD_HOST_PORT_admin", "21000");
    }

    @Test
    void runnerValuesWinOverTaskEnvAndDriverOverridesWinOverBoth() {
        Map<String, String> env = TaskEnvironment.builder(id)
                .taskEnv(Map.of("NOMAD_TASK_NAME", "spoofed", "GREETING", "hi"))
                .dirs(TaskDirs.standard(Path.of("/data/a1b2"), "server"))
                .overrides(Map.of("NOMAD_TASK_DIR", "/local"))
                .build();

        assertThat(env)
                .containsEntry("NOMAD_TASK_NAME", "server")
                .containsEntry("GREETING", "hi")
                .containsEntry("NOMAD_TASK_DIR", "/local");
    }
}
