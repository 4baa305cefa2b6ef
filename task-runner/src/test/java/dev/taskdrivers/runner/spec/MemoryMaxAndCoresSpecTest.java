package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memory_max} and {@code cores} in the SDK's JSON, a Nomad job file and Nomad's API JSON. */
class MemoryMaxAndCoresSpecTest {
    private final SpecParser parser = new SpecParser();

    private static String sdkJob(String resources) {
        return """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec",
                  "config": {"command": "/bin/true"}, "resources": %s}]}]}}
                """.formatted(resources);
    }

    @Test
    void theSdksJsonCarriesAMemoryMaximumAndCores() {
        TaskSpec t = parser.parse(sdkJob("{\"memory_mb\": 64, \"memory_max_mb\": 256, \"cores\": 1}"))
                .groups()
                .get(0)
                .tasks()
                .get(0);

        assertThat(t.memoryMb()).isEqualTo(64);
        assertThat(t.memoryMaxMb()).isEqualTo(256);
        assertThat(t.cores()).isEqualTo(1);
    }

    @Test
    void aMemoryMaximumBelowTheMemoryAndBadCoresAreProblemsAtTheirPaths() {
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> parser.parse(sdkJob("{\"memory_mb\": 128, \"memory_max_mb\": 64, \"cores\": -1}")));

        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].resources.memory_max_mb: must be at least memory_mb (128), got 64",
                        "job.groups[0].tasks[0].resources.cores: must be between 1 and 1024, got -1");
    }

    @Test
    void moreCoresThanTheHostHasIsAProblemAtSubmit(@TempDir Path scratch) {
        JobSpec job = parser.parse(sdkJob("{\"cores\": 1000}"));
        List<ValidationProblem> problems;
        try (DriverRegistry drivers = DriverRegistry.of(List.of(new RawExecDriverFactory()), scratch, Map.of())) {
            problems = new JobValidator(drivers).problems(job);
        }

        assertThat(problems)
                .extracting(ValidationProblem::toString)
                .singleElement()
                .asString()
                .startsWith("job.groups[0].tasks[0].resources.cores: must be at most ");
    }

    @Test
    void theWrittenTaskReadsBackWithItsMemoryMaximumAndCoresAndATaskWithoutThemIsWrittenAsBefore() {
        TaskSpec t = TaskSpec.builder("t", "raw_exec")
                .memoryMb(64)
                .memoryMaxMb(200)
                .cores(1)
                .build();
        List<ValidationProblem> problems = new ArrayList<>();

        TaskSpec read = parser.task(SpecWriter.task(t), "task", problems);

        assertThat(problems).isEmpty();
        assertThat(read).isEqualTo(t);
        Map<?, ?> plain = (Map<?, ?>)
                SpecWriter.task(TaskSpec.builder("t", "raw_exec").build()).get("resources");
        assertThat(plain.keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder("cpu", "memory_mb", "ports");
    }

    @Test
    void aJobFileAndTheApiJsonGiveTheSameMemoryMaximumAndCores() {
        JobSpec fromHcl = parser.parse("""
                job "j" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      resources {
                        cpu        = 200
                        memory     = 64
                        memory_max = 256
                        cores      = 1
                      }
                    }
                  }
                }
                """);
        JobSpec fromJson = parser.parse("""
                {"Job": {"ID": "j", "Name": "j", "TaskGroups": [{"Name": "g", "Tasks": [{"Name": "t",
                  "Driver": "raw_exec", "Config": {"command": "/bin/true"},
                  "Resources": {"CPU": 200, "Cores": 1, "MemoryMB": 64, "MemoryMaxMB": 256}}]}]}}
                """);

        assertThat(fromJson).isEqualTo(fromHcl);
        TaskSpec t = fromHcl.groups().get(0).tasks().get(0);
        assertThat(t.memoryMaxMb()).isEqualTo(256);
        assertThat(t.cores()).isEqualTo(1);
    }
}
