package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's host volume mounted into real docker and exec tasks by a Nomad job file's {@code volume} and
 * {@code volume_mount} blocks: the task reads the host's file at its destination, writes through a writable mount
 * (the host sees the file), and cannot write through a read-only one.
 */
@Tag("real")
class VolumeMountRunTest {
    private static final String IMAGE = "taskdrivers-test/busybox:1";
    /** The node's host volume: made before each test, named in the runner's NodeInfo. */
    private static Path volume = Path.of("/nonexistent");

    /** Whether the exec driver sets its tasks up through its fork server (else its shell supervisor). */
    private static boolean forkServer = true;

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.node(
                    NodeInfo.builder().hostVolume("shared", volume, false).build())
            .driverOptions(forkServer ? Map.of() : Map.of("exec", Map.of("fork_server", false))));

    @BeforeEach
    void hostVolume() throws IOException {
        // a directory of its own outside the runner's, open to the exec task's user (nobody)
        volume = Files.createTempDirectory("host-volume-");
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(volume.resolve("hello.txt"), "from the host\n");
        forkServer = true;
        real.closeRunner();
        real.newRunner(); // with the node's volume at the path made just now
    }

    @AfterEach
    void removeHostVolume() throws IOException {
        try (Stream<Path> files = Files.walk(volume)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String job(String driver, String config, String rwDestination, String roDestination) {
        return """
                job "volumes-%1$s" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                    }
                    volume "rw" {
                      type   = "host"
                      source = "shared"
                    }
                    volume "ro" {
                      type      = "host"
                      source    = "shared"
                      read_only = true
                    }
                    task "t" {
                      driver = "%1$s"
                      config {
                        %2$s
                        command = "/bin/sh"
                        args    = ["-c", "cat %4$s/hello.txt > ${NOMAD_ALLOC_DIR}/seen; echo %1$s > %3$s/written-by-task; if echo x > %4$s/nope 2>/dev/null; then echo writable; else echo refused; fi > ${NOMAD_ALLOC_DIR}/ro-write"]
                      }
                      volume_mount {
                        volume      = "rw"
                        destination = "%3$s"
                      }
                      volume_mount {
                        volume      = "ro"
                        destination = "%4$s"
                      }
                    }
                  }
                }
                """.formatted(driver, config, rwDestination, roDestination);
    }

    private void runAndCheck(String driver, String spec) throws Exception {
        AllocationHandle alloc = real.runner().submit(real.runner().parse(spec)).get(0);
        AllocationStatus status = alloc.await(Duration.ofMinutes(2));

        assertThat(status.tasks().get("t").succeeded()).as("%s", status).isTrue();
        Path shared = real.allocDir(alloc).resolve("alloc");
        assertThat(Files.readString(shared.resolve("seen"))).isEqualTo("from the host\n");
        assertThat(Files.readString(volume.resolve("written-by-task"))).isEqualTo(driver + "\n");
        assertThat(Files.readString(shared.resolve("ro-write"))).isEqualTo("refused\n");
        try (var files = Files.list(volume)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("hello.txt", "written-by-task");
        }
    }

    @Test
    void aDockerTaskReadsAndWritesTheHostDirectoryAndCannotWriteThroughTheReadOnlyMount() throws Exception {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", IMAGE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        RealEnvironment.require(
                inspect.waitFor(30, TimeUnit.SECONDS) && inspect.exitValue() == 0,
                "a Docker engine with " + IMAGE + " (run scripts/start-services.sh)");

        runAndCheck("docker", job("docker", "image = \"" + IMAGE + "\"", "/srv/rw", "/srv/ro"));
    }

    @Test
    void anExecTaskSeesTheVolumesBoundIntoItsChrootBelowItsAllocDirectory() throws Exception {
        requireExec();
        runAndCheck("exec", job("exec", "", "${NOMAD_ALLOC_DIR}/rw", "${NOMAD_ALLOC_DIR}/ro"));

        ValidationException refused = catchThrowableOfType(
                ValidationException.class,
                () -> real.runner().parse(job("exec", "", "/srv/rw", "${NOMAD_ALLOC_DIR}/ro")));
        assertThat(refused.problems().stream().map(ValidationProblem::toString))
                .containsExactly("job.groups[0].tasks[0].volume_mounts: the exec driver mounts volumes below /alloc/"
                        + " or /local/ (e.g. ${NOMAD_ALLOC_DIR}/data), got \"/srv/rw\"");
    }

    private void requireExec() {
        Fingerprint f;
        try (DriverRegistry drivers = DriverRegistry.load(
                VolumeMountRunTest.class.getClassLoader(), real.root().resolve("probe-exec"), Map.of())) {
            f = drivers.has("exec") ? drivers.driver("exec").fingerprint() : Fingerprint.undetected("no exec driver");
        }
        RealEnvironment.require(f.isHealthy(), "a healthy exec driver (" + f.description() + ")");
    }

    @Test
    void anExecTaskSetUpByTheShellSupervisorSeesThemBelowItsLocalDirectoryToo() throws Exception {
        requireExec();
        forkServer = false;
        real.closeRunner();
        real.newRunner();

        runAndCheck("exec", job("exec", "", "${NOMAD_TASK_DIR}/rw", "${NOMAD_ALLOC_DIR}/ro"));
    }
}
