package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Nomad HCL job file parsed by the runner and run with raw_exec to its end. */
@Tag("real")
class NomadJobFileRunTest {
    private static final Set<String> ALL_ALLOCS = new HashSet<>();

    @TempDir
    Path root;

    TaskRunner runner;

    @BeforeEach
    void setUp() {
        RawExec.require(root.resolve("probe"));
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.allocations().forEach(a -> ALL_ALLOCS.add(a.id()));
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertThat(RawExec.processesOf(ALL_ALLOCS))
                .as("processes of this test's tasks")
                .isEmpty();
    }

    @Test
    void aBatchJobFileRunsToItsSuccessfulEndWithItsEnvAndPort() throws Exception {
        JobSpec job = runner.parse("""
                # a Nomad job file, as `nomad job run` would take it
                variable "greeting" {
                  default = "hello"
                }

                job "hcl" {
                  type        = "batch"
                  datacenters = ["dc1"]

                  constraint {
                    attribute = "${attr.kernel.name}"
                    value     = "linux"
                  }

                  group "g" {
                    restart {
                      attempts = 0
                      mode     = "fail"
                    }

                    network {
                      port "http" {}
                    }

                    task "hello" {
                      driver = "raw_exec"

                      config {
                        command = "/bin/sh"
                        args    = ["-c", "echo \\"$GREETING from ${NOMAD_TASK_NAME} of ${NOMAD_JOB_NAME} on $NOMAD_PORT_http\\" > \\"${NOMAD_TASK_DIR}/out\\""]
                      }

                      env {
                        GREETING = "${var.greeting}"
                      }

                      resources {
                        cpu    = 100
                        memory = 64
                      }
                    }
                  }
                }
                """);

        AllocationHandle alloc = runner.submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("hello").succeeded()).isTrue();
        List<String> out = Files.readAllLines(
                root.resolve("data/alloc").resolve(alloc.id()).resolve("hello/local/out"));
        assertThat(out).singleElement().asString().matches("hello from hello of hcl on [0-9]+");
    }
}
