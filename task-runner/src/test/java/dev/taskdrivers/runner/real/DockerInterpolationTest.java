package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real docker task from a Nomad job file whose args use run-time variables: they take the container's view (the
 * mapped port, the task directory inside the container), as Nomad gives them.
 */
@Tag("real")
class DockerInterpolationTest {
    private static final String IMAGE = "taskdrivers-test/busybox:1";

    @TempDir
    Path root;

    TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", IMAGE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        RealEnvironment.require(
                inspect.waitFor(30, TimeUnit.SECONDS) && inspect.exitValue() == 0,
                "a Docker engine with " + IMAGE + " (run scripts/start-services.sh)");
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(Duration.ofSeconds(60))).isTrue();
            runner.close();
        }
    }

    @Test
    void argsSeeTheContainersPortAndDirectories() throws Exception {
        JobSpec job = runner.parse("""
                job "docker-interp" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                    }
                    network {
                      port "http" {
                        to = 8080
                      }
                    }
                    task "echo" {
                      driver = "docker"
                      config {
                        image   = "%s"
                        ports   = ["http"]
                        command = "/bin/sh"
                        args    = ["-c", "printf '%%s\\\\n' \\"$@\\" > ${NOMAD_TASK_DIR}/out", "sh",
                                   "${NOMAD_PORT_http}", "${NOMAD_HOST_PORT_http}", "${NOMAD_ALLOC_DIR}",
                                   "${attr.driver.docker}", "${NOMAD_GROUP_NAME}"]
                        labels {
                          job = "${NOMAD_JOB_NAME}"
                        }
                      }
                    }
                  }
                }
                """.formatted(IMAGE));

        AllocationHandle alloc = runner.submit(job).get(0);
        AllocationStatus status = alloc.await(Duration.ofMinutes(2));

        assertThat(status.tasks().get("echo").succeeded()).as("%s", status).isTrue();
        int hostPort = status.tasks().get("echo").port("http").orElseThrow().value();
        List<String> out = Files.readAllLines(
                root.resolve("data/alloc").resolve(alloc.id()).resolve("echo/local/out"));
        assertThat(out).containsExactly("8080", Integer.toString(hostPort), "/alloc", "1", "g");
    }
}
