package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.JobDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A group's {@code max_run_duration}: read from the three job formats, refused where it does not apply. */
class MaxRunDurationSpecTest {

    private final SpecParser parser = new SpecParser();

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    private static String hcl(String type, String maxRun) {
        return """
                job "j" {
                  type = "%s"
                  group "g" {
                    max_run_duration = "%s"
                    task "t" {
                      driver = "raw_exec"
                      config { command = "sleep" }
                    }
                  }
                }
                """.formatted(type, maxRun);
    }

    private static String json(String type, String maxRun) {
        return """
                {"job": {"name": "j", "type": "%s", "groups": [{"name": "g", "max_run_duration": "%s",
                  "tasks": [{"name": "t", "driver": "raw_exec", "config": {"command": "sleep"}}]}]}}
                """.formatted(type, maxRun);
    }

    private static String api(String type, long nanos) {
        return """
                {"Job": {"ID": "j", "Type": "%s", "TaskGroups": [{"Name": "g", "MaxRunDuration": %d,
                  "Tasks": [{"Name": "t", "Driver": "raw_exec", "Config": {"command": "sleep"}}]}]}}
                """.formatted(type, nanos);
    }

    @Test
    void theJsonSpecTheJobFileAndTheApiJsonGiveTheSameDuration() {
        JobSpec fromJson = parser.parse(json("batch", "1m30s"));
        JobSpec fromHcl = parser.parse(hcl("batch", "1m30s"));
        JobSpec fromApi = parser.parse(api("batch", Duration.ofSeconds(90).toNanos()));

        assertThat(fromJson.groups().get(0).maxRunDuration()).contains(Duration.ofSeconds(90));
        assertThat(fromHcl.groups().get(0).maxRunDuration()).contains(Duration.ofSeconds(90));
        assertThat(fromApi.groups().get(0).maxRunDuration()).contains(Duration.ofSeconds(90));
        assertThat(fromHcl).isEqualTo(fromJson);
    }

    @Test
    void aSysbatchJobFileKeepsItAndAnApiJobWithZeroHasNone() {
        JobSpec sysbatch = parser.parse(hcl("sysbatch", "5s"));
        assertThat(sysbatch.type()).isEqualTo(JobType.BATCH);
        assertThat(sysbatch.groups().get(0).maxRunDuration()).contains(Duration.ofSeconds(5));

        assertThat(parser.parse(api("batch", 0)).groups().get(0).maxRunDuration())
                .as("0 in Nomad's API: no limit")
                .isEmpty();
        assertThat(parser.parse(json("batch", "5s").replace("\"max_run_duration\": \"5s\",", ""))
                        .groups()
                        .get(0)
                        .maxRunDuration())
                .isEmpty();
    }

    @Test
    void aZeroOrBrokenDurationAndAServiceOrSystemJobAreRefusedAtTheFieldAllAtOnce() {
        assertThat(problems(json("batch", "0s")))
                .containsExactly("job.groups[0].max_run_duration: must be positive, got PT0S");
        assertThat(problems(json("batch", "soon")))
                .singleElement()
                .asString()
                .startsWith("job.groups[0].max_run_duration:");
        assertThat(problems(json("service", "5s").replace("\"driver\": \"raw_exec\"", "\"driver\": \"\"")))
                .hasSize(2)
                .contains("job.groups[0].max_run_duration: is only for batch jobs (Nomad's batch and sysbatch),"
                        + " this job's type is service");
        assertThat(problems(hcl("system", "5s")))
                .containsExactly("job.groups[0].max_run_duration: is only for batch jobs (Nomad's batch and"
                        + " sysbatch), this job's type is service");
        assertThat(problems(api("service", -5))).singleElement().asString().contains("max_run_duration");
    }

    @Test
    void theBuilderRefusesWhatTheParserRefusesAndTheDurationChangesTheJobsDigest() {
        TaskSpec t = TaskSpec.of("t", "raw_exec", Map.of("command", "sleep"));
        GroupSpec limited = GroupSpec.builder("g")
                .maxRunDuration(Duration.ofSeconds(5))
                .task(t)
                .build();
        JobSpec batch = JobSpec.batch("j", List.of(limited));
        JobSpec plain = JobSpec.batch("j", List.of(GroupSpec.of("g", List.of(t))));

        assertThat(limited.toBuilder().build()).isEqualTo(limited);
        assertThat(limited).isNotEqualTo(GroupSpec.of("g", List.of(t)));
        assertThat(limited.toString()).contains("maxRunDuration=PT5S");
        assertThat(JobDigest.of(batch)).isNotEqualTo(JobDigest.of(plain));
        assertThat(GroupSpec.builder("g")
                        .maxRunDuration(Duration.ofMillis(-1))
                        .task(t)
                        .problems())
                .extracting(ValidationProblem::toString)
                .containsExactly("max_run_duration: must be positive, got PT-0.001S");
        ValidationException e =
                catchThrowableOfType(ValidationException.class, () -> JobSpec.service("j", List.of(limited)));
        assertThat(e.problems()).extracting(ValidationProblem::field).containsExactly("groups[0].max_run_duration");
        assertThat(Optional.of(batch.groups().get(0).maxRunDuration())).contains(Optional.of(Duration.ofSeconds(5)));
    }
}
