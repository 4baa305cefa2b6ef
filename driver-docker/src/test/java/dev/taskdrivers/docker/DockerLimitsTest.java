package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.HostConfig;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.docker.internal.HostCpu;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits options reach the container: its inspect and what its processes see (cgroup v1 files, rlimits). */
@Tag("real")
class DockerLimitsTest {
    private static final long MIB = 1024L * 1024;
    private static DockerDriver driver;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of("pids_limit", 100));
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static String sh(TaskHandle h, String script) {
        return h.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(10)))
                .stdout()
                .strip();
    }

    @Test
    void limitsReachTheContainerAndItsProcesses() throws Exception {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", LOCAL_IMAGE),
                Map.entry("command", "sleep"),
                Map.entry("args", List.of("600")),
                Map.entry("memory_hard_limit", 96),
                Map.entry("cpu_hard_limit", true),
                Map.entry("cpu_cfs_period", 50000),
                Map.entry("cpuset_cpus", "0"),
                Map.entry("pids_limit", 50),
                Map.entry("ulimit", List.of(Map.of("nofile", "1024:2048"), Map.of("nproc", "512"))),
                Map.entry("oom_score_adj", 500));
        TaskConfig task =
                DockerTestEnv.task(root, "limits", config, new Resources(500, 64, List.of()), Duration.ofSeconds(1));
        var started = DockerTestEnv.run(driver, task);
        try {
            HostConfig host = driver.client()
                    .inspectContainerCmd(started.handle().containerId())
                    .exec()
                    .getHostConfig();
            long quota = Math.round(50000 * 500 / HostCpu.mhzPerCore());
            assertThat(host.getMemory()).isEqualTo(96 * MIB);
            assertThat(host.getMemoryReservation()).isEqualTo(64 * MIB);
            assertThat(host.getCpuPeriod()).isEqualTo(50000L);
            assertThat(host.getCpuQuota()).isEqualTo(Math.max(1000, quota));
            assertThat(host.getCpusetCpus()).isEqualTo("0");
            assertThat(host.getPidsLimit()).isEqualTo(50L);
            assertThat(host.getOomScoreAdj()).isEqualTo(500);

            TaskHandle h = started.handle();
            assertThat(sh(h, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes")).isEqualTo(String.valueOf(96 * MIB));
            assertThat(sh(h, "cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes"))
                    .isEqualTo(String.valueOf(64 * MIB));
            assertThat(sh(h, "cat /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.cfs_quota_us"))
                    .isEqualTo("50000\n" + Math.max(1000, quota));
            assertThat(sh(h, "cat /sys/fs/cgroup/cpuset/cpuset.cpus")).isEqualTo("0");
            assertThat(sh(h, "cat /sys/fs/cgroup/pids/pids.max")).isEqualTo("50");
            // the task's own process: an exec'd shell's soft limits are the exec's, which the engine may not lower
            assertThat(sh(h, "grep -E 'Max (open files|processes)' /proc/1/limits")
                            .lines()
                            .map(l -> l.trim().split("\\s{2,}"))
                            .map(f -> f[0] + " " + f[1] + " " + f[2]))
                    .containsExactlyInAnyOrder("Max open files 1024 2048", "Max processes 512 512");
            assertThat(sh(h, "cat /proc/1/oom_score_adj")).isEqualTo("500");
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void aMemoryMaximumIsTheLimitTheMemoryTheReservationAndReservedCoresTheCpuset() throws Exception {
        Resources resources =
                new Resources(200, 64, List.of()).withMemoryMaxMb(160).withReservedCores(List.of(0));
        TaskConfig task = DockerTestEnv.task(
                root,
                "memmax",
                Map.of("image", LOCAL_IMAGE, "command", "sleep", "args", List.of("600")),
                resources,
                Duration.ofSeconds(1));
        var started = DockerTestEnv.run(driver, task);
        try {
            HostConfig host = driver.client()
                    .inspectContainerCmd(started.handle().containerId())
                    .exec()
                    .getHostConfig();
            assertThat(host.getMemory()).isEqualTo(160 * MIB);
            assertThat(host.getMemoryReservation()).isEqualTo(64 * MIB);
            assertThat(host.getCpusetCpus()).isEqualTo("0");
            TaskHandle h = started.handle();
            assertThat(sh(h, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes")).isEqualTo(String.valueOf(160 * MIB));
            assertThat(sh(h, "cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes"))
                    .isEqualTo(String.valueOf(64 * MIB));
            assertThat(sh(h, "cat /sys/fs/cgroup/cpuset/cpuset.cpus")).isEqualTo("0");
        } finally {
            started.stopAndCleanup(driver);
        }
        TaskConfig both = DockerTestEnv.task(
                root,
                "both",
                Map.of("image", LOCAL_IMAGE, "memory_hard_limit", 128, "cpuset_cpus", "1"),
                resources,
                Duration.ofSeconds(1));
        assertThat(driver.validate(both))
                .extracting(p -> p.field())
                .containsExactlyInAnyOrder("config.memory_hard_limit", "config.cpuset_cpus");
    }

    @Test
    void theOperatorsPidsLimitIsTheDefaultAndTheCeiling() throws Exception {
        TaskConfig task = DockerTestEnv.task(
                root, "pids", Map.of("image", LOCAL_IMAGE, "command", "sleep", "args", List.of("600")));
        var started = DockerTestEnv.run(driver, task);
        try {
            assertThat(sh(started.handle(), "cat /sys/fs/cgroup/pids/pids.max")).isEqualTo("100");
        } finally {
            started.stopAndCleanup(driver);
        }
        assertThat(driver.validate(DockerTestEnv.task(root, "greedy", Map.of("image", LOCAL_IMAGE, "pids_limit", 101))))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.field()).isEqualTo("config.pids_limit");
                    assertThat(p.problem()).contains("at most 100");
                });
    }

    @Test
    void storageOptionsAreHandedToTheEngine() {
        // this engine's storage (vfs without quotas) refuses a size, which shows the option reached it
        TaskConfig task = DockerTestEnv.task(
                root, "storage", Map.of("image", LOCAL_IMAGE, "command", "true", "storage_opt", Map.of("size", "20M")));
        assertThatThrownBy(() -> DockerTestEnv.run(driver, task))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("quota");
        driver.cleanup(task, dev.taskdrivers.api.CreatedResources.empty().with("image", LOCAL_IMAGE));
        assertThat(DockerTestEnv.ourContainers(driver.client()))
                .noneMatch(c -> List.of(c.getNames()).contains("/" + DockerLabels.containerName(task.id())));
    }
}
