package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Nomad HCL job file parsed by the runner and run with raw_exec to its end. */
@Tag("real")
class NomadJobFileRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @Test
    void aBatchJobFileRunsToItsSuccessfulEndWithItsEnvAndPort() throws Exception {
        JobSpec job = real.runner().parse("""
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

        AllocationHandle alloc = real.runner().submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("hello").succeeded()).isTrue();
        List<String> out = Files.readAllLines(real.allocDir(alloc).resolve("hello/local/out"));
        assertThat(out).singleElement().asString().matches("hello from hello of hcl on [0-9]+");
    }
}
