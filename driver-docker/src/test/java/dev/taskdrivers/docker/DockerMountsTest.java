package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mount} entries with their bind, volume and tmpfs options, and {@code volume_driver}. */
@Tag("real")
class DockerMountsTest {
    private static DockerDriver driver;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        // Nomad's nested block, in the list shape its HCL produces; the label is a no-op without SELinux
        driver = DockerTestEnv.driver(Map.of("volumes", List.of(Map.of("enabled", true, "selinuxlabel", "z"))));
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static String sh(TaskHandle h, String script) {
        var r = h.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(10)));
        return (r.stdout() + r.stderr()).strip();
    }

    @Test
    void bindVolumeAndTmpfsMountsWithTheirOptionsAndTheVolumeDriver() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tmpfsVolume = "taskdrivers-test-mount-" + suffix;
        String namedVolume = "taskdrivers-test-named-" + suffix;
        Map<String, Object> config = Map.of(
                "mount",
                List.of(
                        Map.of(
                                "type",
                                "bind",
                                "source",
                                "local/shared",
                                "target",
                                "/mnt/bind",
                                "bind_options",
                                List.of(Map.of("propagation", "private"))),
                        Map.of(
                                "type",
                                "volume",
                                "source",
                                tmpfsVolume,
                                "target",
                                "/etc",
                                "volume_options",
                                Map.of(
                                        "no_copy",
                                        true,
                                        "labels",
                                        Map.of("purpose", "test"),
                                        "driver_config",
                                        Map.of(
                                                "name",
                                                "local",
                                                "options",
                                                List.of(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=8m"))))),
                        Map.of(
                                "type",
                                "tmpfs",
                                "target",
                                "/mnt/tmp",
                                "tmpfs_options",
                                Map.of("size", 1048576, "mode", "0700"))),
                "volumes",
                List.of(namedVolume + ":/data"),
                "volume_driver",
                "local");
        TaskConfig task = DockerTestEnv.sleeper(root, "mounts", config);
        Files.createDirectories(task.dirs().taskDir().resolve("local/shared"));
        var started = DockerTestEnv.run(driver, task);
        try {
            TaskHandle h = started.handle();
            sh(h, "echo from-container > /mnt/bind/out");
            assertThat(Files.readString(task.dirs().taskDir().resolve("local/shared/out"))
                            .strip())
                    .isEqualTo("from-container");
            assertThat(sh(h, "test -e /etc/passwd && echo copied || echo empty"))
                    .as("no_copy")
                    .isEqualTo("empty");
            assertThat(sh(h, "df -k /etc | tail -1 | awk '{print $1, $2}'")).isEqualTo("tmpfs 8192");
            assertThat(sh(h, "stat -c %a /mnt/tmp; df -k /mnt/tmp | tail -1 | awk '{print $2}'"))
                    .isEqualTo("700\n1024");
            var inspect = driver.client()
                    .inspectContainerCmd(h.state().require("container_id"))
                    .exec();
            assertThat(inspect.getHostConfig().getVolumeDriver()).isEqualTo("local");
            assertThat(inspect.getHostConfig().getBinds())
                    .extracting(Object::toString)
                    .contains(namedVolume + ":/data:rw,z");
            assertThat(inspect.getHostConfig().getMounts())
                    .filteredOn(m -> "/mnt/bind".equals(m.getTarget()))
                    .singleElement()
                    .satisfies(m -> assertThat(m.getBindOptions().getPropagation())
                            .isEqualTo(com.github.dockerjava.api.model.BindPropagation.PRIVATE));
            assertThat(driver.client().inspectVolumeCmd(tmpfsVolume).exec().getLabels())
                    .containsEntry("purpose", "test");
            assertThat(driver.client().inspectVolumeCmd(namedVolume).exec().getDriver())
                    .isEqualTo("local");
        } finally {
            started.stopAndCleanup(driver);
            driver.client().removeVolumeCmd(tmpfsVolume).exec();
            driver.client().removeVolumeCmd(namedVolume).exec();
        }
    }

    @Test
    void withoutVolumesEnabledATaskBindsWhatItsTaskDirectoryHolds() throws Exception {
        TaskConfig task = DockerTestEnv.sleeper(
                root,
                "relbinds",
                Map.of(
                        "volumes",
                        List.of("local/in:/in:ro"),
                        "mount",
                        List.of(Map.of("type", "bind", "source", "local/out", "target", "/out"))));
        Files.createDirectories(task.dirs().localDir().resolve("in"));
        Files.createDirectories(task.dirs().localDir().resolve("out"));
        Files.writeString(task.dirs().localDir().resolve("in/greeting.txt"), "hello from the task dir\n");

        runWithoutVolumesEnabled(task, h -> {
            assertThat(sh(h, "cat /in/greeting.txt")).isEqualTo("hello from the task dir");
            assertThat(sh(h, "touch /in/x 2>&1 || echo read-only")).endsWith("read-only");
            sh(h, "echo written > /out/result");
            assertThat(Files.readString(task.dirs().localDir().resolve("out/result")))
                    .isEqualTo("written\n");
        });
    }

    @Test
    void withoutVolumesEnabledATmpfsMountIsTheContainersOwn() throws Exception {
        TaskConfig task = DockerTestEnv.sleeper(
                root,
                "tmpfs",
                Map.of(
                        "mount",
                        List.of(Map.of(
                                "type",
                                "tmpfs",
                                "target",
                                "/scratch",
                                "tmpfs_options",
                                Map.of("size", 4 * 1024 * 1024)))));

        runWithoutVolumesEnabled(task, h -> {
            assertThat(sh(h, "grep ' /scratch ' /proc/mounts"))
                    .startsWith("tmpfs /scratch tmpfs ")
                    .contains("size=4096k");
            sh(h, "echo kept in memory > /scratch/x");
            assertThat(sh(h, "cat /scratch/x")).isEqualTo("kept in memory");
        });
    }

    /** What a test checks inside its running task. */
    private interface Inside {
        void check(TaskHandle h) throws Exception;
    }

    /** Runs {@code task}, which must be valid, on a driver whose operator left volumes off; cleans it up after. */
    private static void runWithoutVolumesEnabled(TaskConfig task, Inside inside) throws Exception {
        try (DockerDriver volumesOff = DockerTestEnv.driver(Map.of())) {
            assertThat(volumesOff.validate(task)).isEmpty();
            var started = DockerTestEnv.run(volumesOff, task);
            try {
                inside.check(started.handle());
            } finally {
                started.stopAndCleanup(volumesOff);
            }
        }
    }

    @Test
    void aSharedPropagationReachesTheEngineWhichNeedsASharedSource() {
        // this host's root mount is private, so the engine refuses: the option was handed to it
        TaskConfig task = DockerTestEnv.task(
                root,
                "rshared",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "command",
                        "true",
                        "mount",
                        List.of(Map.of(
                                "type",
                                "bind",
                                "source",
                                "local",
                                "target",
                                "/mnt/bind",
                                "bind_options",
                                Map.of("propagation", "rshared")))));
        assertThatThrownBy(() -> DockerTestEnv.run(driver, task))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("shared");
        driver.cleanup(task, CreatedResources.empty().with("image", LOCAL_IMAGE));
        assertThat(DockerTestEnv.ourContainers(driver.client()))
                .noneMatch(c -> List.of(c.getNames()).contains("/" + DockerLabels.containerName(task.id())));
    }

    @Test
    void refusesOptionsOfAnotherTypeBadValuesAndVolumesTheOperatorHasNotEnabled() {
        List<ValidationProblem> problems = driver.validate(DockerTestEnv.task(
                root,
                "badmounts",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "mount",
                        List.of(
                                Map.of(
                                        "type",
                                        "tmpfs",
                                        "target",
                                        "/t",
                                        "bind_options",
                                        Map.of("propagation", "sideways"),
                                        "tmpfs_options",
                                        Map.of("mode", "999", "size", -1)),
                                Map.of(
                                        "type",
                                        "volume",
                                        "source",
                                        "v",
                                        "target",
                                        "/v",
                                        "volume_options",
                                        Map.of("no_copy", "yes", "driver_config", Map.of("nme", "x")))))));
        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder(
                        "config.mount[0].bind_options", "config.mount[0].bind_options.propagation",
                        "config.mount[0].tmpfs_options.mode", "config.mount[0].tmpfs_options.size",
                        "config.mount[1].volume_options.no_copy", "config.mount[1].volume_options.driver_config.nme");
        try (DockerDriver closed = DockerTestEnv.driver(Map.of())) {
            assertThat(closed.validate(DockerTestEnv.task(
                            root,
                            "novolumes",
                            Map.of(
                                    "image",
                                    LOCAL_IMAGE,
                                    "volume_driver",
                                    "local",
                                    "mount",
                                    List.of(
                                            Map.of("type", "tmpfs", "target", "/t"),
                                            Map.of("type", "volume", "source", "named", "target", "/v"))))))
                    .extracting(p -> p.field() + ": " + p.problem())
                    .containsExactlyInAnyOrder(
                            "config.mount[1]: is a volume mount and volumes are disabled by the driver configuration"
                                    + " (volumes.enabled = false)",
                            "config.volume_driver: volumes are disabled by the driver configuration"
                                    + " (volumes.enabled = false)");
        }
    }
}
