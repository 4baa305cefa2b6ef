package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real raw_exec tasks whose command, arguments and env use Nomad's run-time variables, from a job file and from
 * Nomad's API JSON: what the process receives is the interpolated text, without any shell expanding it.
 */
@Tag("real")
class InterpolationRunTest {
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
                .node(NodeInfo.builder()
                        .name("node-7")
                        .meta(Map.of("rack", "r7"))
                        .build())
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

    /** Runs the job and returns the lines its task wrote to local/out, and the task's http port. */
    private List<String> run(JobSpec job) throws Exception {
        AllocationHandle alloc = runner.submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);
        assertThat(status.tasks().get("echo").succeeded()).as("%s", status).isTrue();
        return Files.readAllLines(root.resolve("data/alloc").resolve(alloc.id()).resolve("echo/local/out"));
    }

    @Test
    void aJobFilesCommandArgsAndEnvAreInterpolatedWhenTheTaskStarts() throws Exception {
        JobSpec job = runner.parse("""
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
        JobSpec job = runner.parse("""
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
