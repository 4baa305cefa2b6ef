package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What this node lacks for a valid job (a file the driver needs, a node attribute, a host volume, cores) is the
 * node's problem: checking the job alone reports it apart and finds the job valid, as Nomad's {@code job validate}
 * does; parsing it for this runner, or submitting it, refuses it, and a node that has what the job asks for runs it.
 */
class NodeProblemsTest {

    @TempDir
    Path root;

    private String job(Path neededFile) {
        return """
                job "placed" {
                  type = "batch"
                  group "g" {
                    volume "data" {
                      type   = "host"
                      source = "scratch"
                    }
                    task "t" {
                      driver = "fake"
                      config {
                        needs_file = "%s"
                        password   = "${attr.platform.aws.placement.availability-zone}"
                      }
                    }
                  }
                }
                """.formatted(neededFile);
    }

    @Test
    void aJobThisNodeCannotRunIsValidWithItsNodeProblemsApartAndRefusedForRunningHere() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        String spec = job(root.resolve("not-here.bin"));
        List<ValidationProblem> warnings = new ArrayList<>();
        List<ValidationProblem> nodeProblems = new ArrayList<>();

        try (TaskRunner runner = fx.runner()) {
            JobSpec job = runner.validator().parseAndValidate(new SpecParser(), spec, warnings::add, nodeProblems::add);

            assertThat(job.name()).isEqualTo("placed");
            assertThat(nodeProblems)
                    .extracting(ValidationProblem::field)
                    .containsExactly(
                            "job.groups[0].tasks[0].config.needs_file",
                            "job.groups[0].tasks[0].config.password",
                            "job.groups[0].volumes.data.source");
            assertThat(nodeProblems.get(0).problem())
                    .isEqualTo(root.resolve("not-here.bin") + " does not exist on this node");
            assertThat(nodeProblems.get(1).problem())
                    .startsWith("unknown variable ${attr.platform.aws.placement.availability-zone}");
            assertThat(nodeProblems.get(2).problem()).startsWith("the node has no host volume \"scratch\"");

            ValidationException parsed = catchThrowableOfType(ValidationException.class, () -> runner.parse(spec));
            ValidationException submitted = catchThrowableOfType(ValidationException.class, () -> runner.submit(job));

            assertThat(parsed.problems()).containsExactlyElementsOf(nodeProblems);
            assertThat(submitted)
                    .as("a job checked alone is not taken as checked for this node")
                    .isNotNull();
            assertThat(submitted.problems()).containsExactlyElementsOf(nodeProblems);
            assertThat(runner.allocations()).isEmpty();
        }
    }

    @Test
    void aNodeThatHasWhatTheJobAsksForRunsIt() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        Path needed = Files.writeString(root.resolve("here.bin"), "x");
        NodeInfo node = NodeInfo.builder()
                .attribute("platform.aws.placement.availability-zone", "eu-west-1a")
                .hostVolume("scratch", Files.createDirectories(root.resolve("scratch")), false)
                .build();
        List<ValidationProblem> nodeProblems = new ArrayList<>();

        try (TaskRunner runner = fx.builder().node(node).build()) {
            runner.validator().parseAndValidate(new SpecParser(), job(needed), w -> {}, nodeProblems::add);
            JobSpec job = runner.parse(job(needed));
            AllocationHandle alloc = runner.submit(job).get(0);

            AllocationStatus status = alloc.await(Duration.ofSeconds(30));

            assertThat(nodeProblems).isEmpty();
            assertThat(status.finished()).isTrue();
            assertThat(status.failed()).isFalse();
            assertThat(fx.driver.startedConfigs.get("t").driverConfig()).containsEntry("password", "eu-west-1a");
        }
    }
}
