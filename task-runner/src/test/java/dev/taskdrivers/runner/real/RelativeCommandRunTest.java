package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A raw_exec command given as a bare name runs the task's own file when local/ holds one, as in Nomad. */
@Tag("real")
class RelativeCommandRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    private Path run(String job) throws Exception {
        AllocationHandle alloc = real.runner().submit(real.runner().parse(job)).get(0);
        AllocationStatus status = alloc.await(WAIT);
        assertThat(status.tasks().get("t").succeeded()).as("status %s", status).isTrue();
        return real.allocDir(alloc).resolve("t");
    }

    @Test
    void aScriptATemplateWroteIntoLocalRunsByItsNameEvenWithoutExecuteBits() throws Exception {
        Path taskDir = run("""
                job "scripted" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                      mode     = "fail"
                    }
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "hello.sh"
                        args    = ["world"]
                      }
                      template {
                        destination = "local/hello.sh"
                        perms       = "0644"
                        data        = "#!/bin/sh\\necho \\"hello $1 from $NOMAD_TASK_NAME\\" > \\"$NOMAD_TASK_DIR/out\\"\\n"
                      }
                    }
                  }
                }
                """);

        assertThat(Files.readString(taskDir.resolve("local/out"))).isEqualTo("hello world from t\n");
    }

    @Test
    void aFileInLocalWinsOverTheSameNameOnPath() throws Exception {
        Path taskDir = run("""
                job "shadowed" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                      mode     = "fail"
                    }
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "true"
                      }
                      template {
                        destination = "local/true"
                        perms       = "0755"
                        data        = "#!/bin/sh\\necho local > \\"$NOMAD_TASK_DIR/which\\"\\n"
                      }
                    }
                  }
                }
                """);

        assertThat(Files.readString(taskDir.resolve("local/which"))).isEqualTo("local\n");
    }

    @Test
    void aNameInNeitherDirectoryIsStillFoundOnPath() throws Exception {
        JobSpec job = real.runner().parse("""
                job "onpath" {
                  type = "batch"
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "sh"
                        args    = ["-c", "echo path > \\"$NOMAD_TASK_DIR/which\\""]
                      }
                    }
                  }
                }
                """);
        AllocationHandle alloc = real.runner().submit(job).get(0);
        assertThat(alloc.await(WAIT).tasks().get("t").succeeded()).isTrue();
        assertThat(Files.readString(real.allocDir(alloc).resolve("t/local/which")))
                .isEqualTo("path\n");
    }
}
