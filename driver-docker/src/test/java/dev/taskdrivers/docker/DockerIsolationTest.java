package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationProblem;
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

/** Namespace modes, sysctl, read-only root, runtime, init, groups, devices and health checks reach the container. */
@Tag("real")
class DockerIsolationTest {
    private static DockerDriver driver;
    private static DockerDriver privileged;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of());
        privileged = DockerTestEnv.driver(Map.of("allow_privileged", true));
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
            privileged.close();
        }
    }

    private static ExecResult sh(TaskHandle h, String script) {
        return h.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(10)));
    }

    private static String out(TaskHandle h, String script) {
        return sh(h, script).stdout().strip();
    }

    @Test
    void sharesTheHostsPidIpcAndUtsNamespacesWhenAskedAndAllowed() throws Exception {
        var started = DockerTestEnv.run(
                privileged,
                DockerTestEnv.sleeper(
                        root,
                        "hostns",
                        Map.of("pid_mode", "host", "ipc_mode", "host", "uts_mode", "host", "userns_mode", "host")));
        try {
            TaskHandle h = started.handle();
            for (String ns : List.of("pid", "ipc", "uts")) {
                assertThat(out(h, "readlink /proc/self/ns/" + ns))
                        .as(ns)
                        .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns))
                                .toString());
            }
            assertThat(privileged
                            .client()
                            .inspectContainerCmd(h.state().require("container_id"))
                            .exec()
                            .getHostConfig()
                            .getUsernsMode())
                    .isEqualTo("host");
        } finally {
            started.stopAndCleanup(privileged);
        }
    }

    @Test
    void appliesSysctlReadOnlyRootInitGroupsDevicesCgroupnsRuntimeAndHealthcheck() throws Exception {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", LOCAL_IMAGE),
                Map.entry("command", "sleep"),
                Map.entry("args", List.of("600")),
                Map.entry("sysctl", List.of(Map.of("net.core.somaxconn", "512"))),
                Map.entry("readonly_rootfs", true),
                Map.entry("init", true),
                Map.entry("group_add", List.of("65534")),
                Map.entry(
                        "devices",
                        List.of(Map.of(
                                "host_path",
                                "/dev/loop-control",
                                "container_path",
                                "/dev/taskdev",
                                "cgroup_permissions",
                                "r"))),
                Map.entry("cgroupns", "private"),
                Map.entry("runtime", "runc"),
                Map.entry("isolation", "default"),
                Map.entry("healthchecks", Map.of("disable", true)));
        var started = DockerTestEnv.run(driver, DockerTestEnv.task(root, "sandbox", config));
        try {
            TaskHandle h = started.handle();
            assertThat(out(h, "cat /proc/sys/net/core/somaxconn")).isEqualTo("512");
            assertThat(sh(h, "touch /rootfs-file").exitCode())
                    .as("root filesystem read-only")
                    .isNotZero();
            assertThat(sh(h, "touch /local/ok").exitCode())
                    .as("task dir still writable")
                    .isZero();
            assertThat(out(h, "cat /proc/1/comm")).isEqualTo("docker-init");
            assertThat(out(h, "id -G").split(" ")).contains("65534");
            // a device outside the engine's default list, opened for reading (allowed) and writing (not)
            assertThat(sh(h, ": < /dev/taskdev").exitCode())
                    .as("device readable")
                    .isZero();
            assertThat(sh(h, ": > /dev/taskdev").exitCode())
                    .as("device allowed read only")
                    .isNotZero();
            assertThat(out(h, "grep memory /proc/self/cgroup")).endsWith(":/");

            InspectContainerResponse inspect = driver.client()
                    .inspectContainerCmd(h.state().require("container_id"))
                    .exec();
            assertThat(inspect.getHostConfig().getRuntime()).isEqualTo("runc");
            assertThat(inspect.getHostConfig().getCgroupnsMode()).isEqualTo("private");
            assertThat(inspect.getConfig().getHealthcheck().getTest()).containsExactly("NONE");
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void refusesWhatTheOperatorHasNotAllowedAndBadValues() {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", LOCAL_IMAGE),
                Map.entry("pid_mode", "host"),
                Map.entry("ipc_mode", "host"),
                Map.entry("uts_mode", "container:x"),
                Map.entry("userns_mode", "host"),
                Map.entry("cgroupns", "shared"),
                Map.entry("runtime", "kata"),
                Map.entry("isolation", "hyperv"),
                Map.entry("devices", List.of(Map.of("container_path", "dev/x", "cgroup_permissions", "rwx"))),
                Map.entry("healthchecks", Map.of("disable", "yes")),
                Map.entry("sysctl", Map.of("a", 1)));
        List<ValidationProblem> problems = driver.validate(DockerTestEnv.task(root, "refused", config));
        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder(
                        "config.pid_mode",
                        "config.ipc_mode",
                        "config.uts_mode",
                        "config.userns_mode",
                        "config.cgroupns",
                        "config.runtime",
                        "config.isolation",
                        "config.devices[0].host_path",
                        "config.devices[0].container_path",
                        "config.devices[0].cgroup_permissions",
                        "config.healthchecks.disable",
                        "config.sysctl.a");
        assertThat(problems)
                .filteredOn(p -> p.field().equals("config.runtime"))
                .singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("allow_runtimes = [runc, nvidia]"));
        assertThat(problems)
                .filteredOn(p -> p.field().equals("config.isolation"))
                .singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("on Linux only \"default\""));
        assertThat(problems)
                .filteredOn(p -> p.field().equals("config.pid_mode"))
                .singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("allow_privileged"));
        DockerDriverOptions kata = DockerDriverOptions.parse(Map.of("allow_runtimes", List.of("kata")));
        assertThat(DockerTaskSettings.read(Map.of("image", "busybox", "runtime", "kata"), kata)
                        .problems())
                .isEmpty();
    }
}
