package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.VolumeMountSpec;
import dev.taskdrivers.runner.spec.VolumeSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's volumes found among the node's ({@link NodeInfo#hostVolumes()}, {@link NodeInfo#csiVolumes()}), refused
 * when the node lacks them or the driver cannot mount, and given to the driver as {@code TaskConfig.mounts()}.
 */
class VolumeMountsTest {
    @TempDir
    Path root;

    final FakeDriver fake = FakeDriver.mountingVolumes();
    TaskRunner runner;
    NodeInfo node;

    @BeforeEach
    void setUp() {
        node = NodeInfo.builder()
                .hostVolume("data", root.resolve("data"), false)
                .hostVolume("certs", root.resolve("certs"), true)
                .csiVolume("cache[0]", root.resolve("cache-0"), false)
                .csiVolume("cache[1]", root.resolve("cache-1"), false)
                .build();
        runner = newRunner();
    }

    private TaskRunner newRunner() {
        return TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("run"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(fake), new RawExecDriverFactory()),
                        root.resolve("drivers"),
                        Map.of()))
                .node(node)
                .build();
    }

    @Test
    void aTaskRestartedAfterARunnerRestartMountsItsGroupsVolumesAgain() throws Exception {
        TaskSpec task = TaskSpec.builder("t", FakeDriver.NAME)
                .config(Map.of("run_ms", -1))
                .restart(RunnerFixture.restart(1, Duration.ofMinutes(1), Duration.ZERO, RestartPolicy.Mode.FAIL))
                .volumeMount(VolumeMountSpec.builder("data", "/srv/data"))
                .build();
        JobSpec job = JobSpec.service(
                "svc",
                List.of(GroupSpec.builder("g")
                        .volume("data", VolumeSpec.host("data"))
                        .task(task)
                        .build()));
        String allocId = runner.submit(job).get(0).id();
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.startedConfigs.containsKey("t"));
        runner.close(); // leaves the task running, as a runner that died would
        fake.startedConfigs.clear();

        runner = newRunner();
        assertThat(runner.recover().reattached()).isEqualTo(1);
        fake.running.get(allocId + "/t").exit.complete(ExitResult.exited(0)); // restarted by its policy

        await().atMost(Duration.ofSeconds(10)).until(() -> fake.startedConfigs.containsKey("t"));
        assertThat(fake.startedConfigs.get("t").mounts())
                .containsExactly(
                        new TaskMount(root.resolve("data"), "/srv/data", false, TaskMount.Propagation.PRIVATE));
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
    }

    private static String job(int count, String driver, String volumes, String mounts) {
        return """
                {"job": {"name": "j", "type": "batch", "groups": [{"name": "g", "count": %d, "volumes": {%s},
                  "tasks": [{"name": "t", "driver": "%s", "config": {"command": "/bin/true"},
                    "volume_mounts": [%s]}]}]}}
                """.formatted(count, volumes, driver, mounts);
    }

    @Test
    void eachTaskGetsItsVolumesHostPathsAtTheirInterpolatedDestinationsAndItsOwnPerAllocVolume() throws Exception {
        JobSpec job = runner.parse(job(2, "fake", """
                        "data": {"type": "host", "source": "data"},
                        "certs": {"type": "host", "source": "certs"},
                        "cache": {"type": "csi", "source": "cache", "per_alloc": true}
                        """, """
                        {"volume": "data", "destination": "/srv/data", "propagation_mode": "bidirectional"},
                        {"volume": "certs", "destination": "${NOMAD_TASK_DIR}/certs"},
                        {"volume": "cache", "destination": "${NOMAD_ALLOC_DIR}/cache", "read_only": true}
                        """).replace("\"command\": \"/bin/true\"", "\"run_ms\": 0"));

        List<AllocationHandle> allocs = runner.submit(job);
        for (AllocationHandle alloc : allocs) {
            assertThat(alloc.await(Duration.ofSeconds(30)).failed()).isFalse();
        }

        // the fake driver's tasks see their directories at /alloc and /local, as docker's and exec's do
        assertThat(fake.startedConfigs.get("t").mounts()).hasSize(3);
        List<List<TaskMount>> seen = new ArrayList<>();
        allocs.forEach(a -> seen.add(fake.startedConfigsByAlloc.get(a.id()).mounts()));
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        List.of(
                                new TaskMount(
                                        root.resolve("data"), "/srv/data", false, TaskMount.Propagation.BIDIRECTIONAL),
                                new TaskMount(
                                        root.resolve("certs"), "/local/certs", true, TaskMount.Propagation.PRIVATE),
                                new TaskMount(
                                        root.resolve("cache-0"), "/alloc/cache", true, TaskMount.Propagation.PRIVATE)),
                        List.of(
                                new TaskMount(
                                        root.resolve("data"), "/srv/data", false, TaskMount.Propagation.BIDIRECTIONAL),
                                new TaskMount(
                                        root.resolve("certs"), "/local/certs", true, TaskMount.Propagation.PRIVATE),
                                new TaskMount(
                                        root.resolve("cache-1"), "/alloc/cache", true, TaskMount.Propagation.PRIVATE)));
    }

    @Test
    void aWritableMountOfAReadOnlyVolumeIsMountedReadOnlyWithAWarningAsNomadDoes() {
        List<ValidationProblem> warnings = new ArrayList<>();
        new JobValidator(
                        DriverRegistry.of(List.of(new FakeDriverFactory(fake)), root.resolve("d2"), Map.of()),
                        null,
                        JobValidator.DEFAULT_HOST_IP,
                        node)
                .parseAndValidate(
                        new SpecParser(),
                        job(1, "fake", """
                                "certs": {"type": "host", "source": "certs"},
                                "data": {"type": "host", "source": "data", "read_only": true}
                                """, """
                                {"volume": "certs", "destination": "/certs"},
                                {"volume": "data", "destination": "/data"}
                                """).replace("\"command\": \"/bin/true\"", "\"run_ms\": 0"),
                        warnings::add);

        assertThat(warnings.stream().map(ValidationProblem::toString))
                .containsExactly(
                        "job.groups[0].tasks[0].volume_mounts[0].read_only: volume \"certs\" is read-only (the node"
                                + " has it read-only): mounted read-only, as Nomad does",
                        "job.groups[0].tasks[0].volume_mounts[1].read_only: volume \"data\" is read-only (the"
                                + " group's volume block says read_only): mounted read-only, as Nomad does");
    }

    @Test
    void volumesTheNodeLacksADriverThatCannotMountAndARelativeDestinationAreRefusedTogether() {
        String spec = job(3, "raw_exec", """
                "logs": {"type": "host", "source": "logs"},
                "cache": {"type": "csi", "source": "cache", "per_alloc": true},
                "db": {"type": "csi", "source": "db"}
                """, """
                {"volume": "logs", "destination": "relative/logs"},
                {"volume": "cache", "destination": "/cache"}
                """);

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> runner.parse(spec));

        assertThat(e.problems().stream().map(ValidationProblem::toString))
                .containsExactly(
                        "job.groups[0].tasks[0].volume_mounts[0]: the raw_exec driver does not mount volumes (its"
                                + " capabilities say so); of this project's drivers, docker, exec and an isolated java do",
                        "job.groups[0].tasks[0].volume_mounts[0].destination: must be an absolute path inside the"
                                + " task once interpolated, got \"relative/logs\"",
                        "job.groups[0].tasks[0].volume_mounts[1]: the raw_exec driver does not mount volumes (its"
                                + " capabilities say so); of this project's drivers, docker, exec and an isolated java do",
                        "job.groups[0].volumes.cache.source: the node has no csi volume \"cache[2]\"; its csi"
                                + " volumes: cache[0], cache[1] (the runner's NodeInfo.csiVolume, the command line's"
                                + " --csi-volume)",
                        "job.groups[0].volumes.db.source: the node has no csi volume \"db\"; its csi volumes:"
                                + " cache[0], cache[1] (the runner's NodeInfo.csiVolume, the command line's"
                                + " --csi-volume)",
                        "job.groups[0].volumes.logs.source: the node has no host volume \"logs\"; its host volumes:"
                                + " certs, data (the runner's NodeInfo.hostVolume, the command line's"
                                + " --host-volume)");
    }
}
