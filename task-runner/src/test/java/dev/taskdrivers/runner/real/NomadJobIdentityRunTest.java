package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Nomad job's namespace, ID and parent ID as a raw_exec task sees them in its environment. */
@Tag("real")
class NomadJobIdentityRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    private Map<String, String> envOf(JobSpec job) throws Exception {
        AllocationHandle alloc = real.runner().submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);
        assertThat(status.tasks().get("show").succeeded()).isTrue();
        Path out = real.allocDir(alloc).resolve("show/local/env");
        return Files.readAllLines(out).stream()
                .filter(l -> l.startsWith("NOMAD_"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }

    @Test
    void anApiJobsNamespaceIdAndParentIdAreInTheTasksEnvironment() throws Exception {
        JobSpec job = real.runner().parse("""
                {"Job": {"ID": "report/periodic-1700000000", "Name": "report", "ParentID": "report",
                  "Namespace": "team-a", "Type": "batch",
                  "TaskGroups": [{"Name": "g", "RestartPolicy": {"Attempts": 0, "Mode": "fail"},
                    "Tasks": [{"Name": "show", "Driver": "raw_exec",
                      "Config": {"command": "/bin/sh", "args": ["-c", "env > \\"$NOMAD_TASK_DIR/env\\""]}}]}]}}
                """);

        Map<String, String> env = envOf(job);

        assertThat(env)
                .containsEntry("NOMAD_NAMESPACE", "team-a")
                .containsEntry("NOMAD_JOB_ID", "report/periodic-1700000000")
                .containsEntry("NOMAD_JOB_PARENT_ID", "report")
                .containsEntry("NOMAD_JOB_NAME", "report");
    }

    @Test
    void aJobFilesLabelIsItsIdItsNamespaceIsKeptAndThereIsNoParent() throws Exception {
        JobSpec job = real.runner().parse("""
                job "nightly-report" {
                  name      = "report"
                  namespace = "ops"
                  type      = "batch"

                  group "g" {
                    restart {
                      attempts = 0
                      mode     = "fail"
                    }

                    task "show" {
                      driver = "raw_exec"

                      config {
                        command = "/bin/sh"
                        args    = ["-c", "env > \\"$NOMAD_TASK_DIR/env\\""]
                      }
                    }
                  }
                }
                """);

        Map<String, String> env = envOf(job);

        assertThat(env)
                .containsEntry("NOMAD_NAMESPACE", "ops")
                .containsEntry("NOMAD_JOB_ID", "nightly-report")
                .containsEntry("NOMAD_JOB_NAME", "report")
                .doesNotContainKey("NOMAD_JOB_PARENT_ID");
    }

    @Test
    void aJobWithoutANamespaceIsInTheDefaultOneAndItsNameIsItsId() throws Exception {
        JobSpec job = real.runner().parse("""
                {"job": {"name": "plain", "type": "batch", "groups": [{"name": "g",
                  "restart": {"attempts": 0, "mode": "fail"},
                  "tasks": [{"name": "show", "driver": "raw_exec",
                    "config": {"command": "/bin/sh", "args": ["-c", "env > \\"$NOMAD_TASK_DIR/env\\""]}}]}]}}
                """);

        assertThat(envOf(job))
                .containsEntry("NOMAD_NAMESPACE", "default")
                .containsEntry("NOMAD_JOB_ID", "plain")
                .doesNotContainKey("NOMAD_JOB_PARENT_ID");
    }
}
