package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real raw_exec tasks whose command, arguments and env use Nomad's run-time variables, from a job file and from
 * Nomad's API JSON: what the process receives is the interpolated text, without any shell expanding it.
 */
@Tag("real")
class InterpolationRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b ->
            b.node(NodeInfo.builder().name("node-7").meta(Map.of("rack", "r7")).build()));

    /** Runs the job and returns the lines its task wrote to local/out, and the task's http port. */
    private List<String> run(JobSpec job) throws Exception {
        AllocationHandle alloc = real.runner().submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);
        assertThat(status.tasks().get("echo").succeeded()).as("%s", status).isTrue();
        return Files.readAllLines(real.allocDir(alloc).resolve("echo/local/out"));
    }

    @Test
    void aJobFilesCommandArgsAndEnvAreInterpolatedWhenTheTaskStarts() throws Exception {
        JobSpec job = real.runner().parse("""
                job "interp" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                    }
                    network {
                      port "http" {}
                    }
                    task "echo" {
                      driver = "raw_exec"
                      config {
                        command = "${env["SHELL_PATH"]}"
                        args    = ["-c", "printf '%s\\\\n' \\"$@\\" \\"$FROM_ENV\\" > local/out", "sh",
                                   "${NOMAD_PORT_http}", "${node.unique.name}", "${meta.rack}", "${attr.kernel.name}",
                                   "${NOMAD_JOB_ID}/${NOMAD_NAMESPACE}", "$$${NOMAD_TASK_NAME}", "${HOME}"]
                      }
                      env {
                        SHELL_PATH = "/bin/sh"
                        FROM_ENV   = "${NOMAD_TASK_NAME} on ${node.unique.name}"
                      }
                    }
                  }
                }
                """);

        List<String> out = run(job);

        assertThat(out.get(0)).matches("[0-9]+");
        assertThat(out.subList(1, out.size()))
                .containsExactly(
                        "node-7", "r7", "linux", "interp/default", "${NOMAD_TASK_NAME}", "${HOME}", "echo on node-7");
    }

    @Test
    void anApiJsonJobIsInterpolatedTheSameWay() throws Exception {
        JobSpec job = real.runner().parse("""
                {"Job": {"ID": "interp-json", "Name": "interp-json", "Type": "batch",
                  "TaskGroups": [{"Name": "g", "RestartPolicy": {"Attempts": 0, "Mode": "fail"},
                    "Networks": [{"DynamicPorts": [{"Label": "http", "Value": 0, "To": 0}]}],
                    "Tasks": [{"Name": "echo", "Driver": "raw_exec",
                      "Config": {"command": "/bin/sh",
                                 "args": ["-c", "printf '%s\\\\n' \\"$@\\" > local/out", "sh",
                                          "${NOMAD_ADDR_http}", "${NOMAD_SHORT_ALLOC_ID}", "${meta.rack}"]},
                      "Env": {"UNUSED": "${NOMAD_NOPE}"}}]}]}}
                """);

        List<String> out = run(job);

        assertThat(out).hasSize(3);
        assertThat(out.get(0)).matches("127\\.0\\.0\\.1:[0-9]+");
        assertThat(out.get(1)).hasSize(8);
        assertThat(out.get(2)).isEqualTo("r7");
    }
}
