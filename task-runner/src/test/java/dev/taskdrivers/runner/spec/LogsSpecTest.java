package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task's {@code logs} block from the builder, the JSON, Nomad HCL and a persisted task. */
class LogsSpecTest {
    private final SpecParser parser = new SpecParser();

    private static String json(String logs) {
        return """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "t", "driver": "raw_exec", "logs": %s}]}]}}
                """.formatted(logs);
    }

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void aTaskWithoutLogsKeepsTenFilesOfTenMegabytes() {
        TaskSpec task = TaskSpec.builder("t", "raw_exec").build();

        assertThat(task.logs().maxFiles()).isEqualTo(10);
        assertThat(task.logs().maxFileSizeBytes()).isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void theJsonLogsBlockSetsFilesAndSizeInMegabytes() {
        JobSpec job = parser.parse(json("{\"max_files\": 3, \"max_file_size\": 2}"));

        LogConfig logs = job.groups().get(0).tasks().get(0).logs();
        assertThat(logs).isEqualTo(LogConfig.of(3, 2));
        assertThat(logs.maxFileSizeBytes()).isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void badLogValuesAreReportedWithTheirJsonPathsAllAtOnce() {
        assertThat(problems(json("{\"max_files\": 0, \"max_file_size\": \"big\", \"disabled\": true}")))
                .containsExactly(
                        "job.groups[0].tasks[0].logs.disabled: unknown option",
                        "job.groups[0].tasks[0].logs.max_file_size: must be a whole number, got \"big\"",
                        "job.groups[0].tasks[0].logs.max_files: must be between 1 and 1000, got 0");
        assertThat(problems(json("[]"))).containsExactly("job.groups[0].tasks[0].logs: must be an object, got a list");
    }

    @Test
    void theNomadLogsBlockMaps() {
        JobSpec job = parser.parse("""
                job "j" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config { command = "/bin/true" }
                      logs {
                        max_files     = 4
                        max_file_size = 15
                        disabled      = false
                      }
                    }
                  }
                }
                """);

        assertThat(job.groups().get(0).tasks().get(0).logs()).isEqualTo(LogConfig.of(4, 15));
    }

    @Test
    void turningNomadLogCollectionOffIsRefusedUnderItsHclPath() {
        assertThat(problems("""
                        job "j" {
                          group "g" {
                            task "t" {
                              driver = "raw_exec"
                              logs { disabled = true }
                            }
                          }
                        }
                        """))
                .containsExactly("job.j.group.g.task.t.logs.disabled: turning log collection off is not supported");
    }

    @Test
    void aPersistedTaskKeepsItsLogLimitsEvenInBytes() {
        for (LogConfig logs : List.of(
                LogConfig.of(2, 7),
                LogConfig.builder().maxFiles(3).maxFileSizeBytes(4096).build())) {
            TaskSpec task = TaskSpec.builder("t", "raw_exec").logs(logs).build();
            List<ValidationProblem> problems = new ArrayList<>();

            TaskSpec again = parser.task(SpecWriter.task(task), "task", problems);

            assertThat(problems).isEmpty();
            assertThat(again.logs()).isEqualTo(logs);
            assertThat(again).isEqualTo(task);
        }
    }
}
