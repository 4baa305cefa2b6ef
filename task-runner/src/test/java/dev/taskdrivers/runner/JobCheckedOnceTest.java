package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job parsed by the runner is checked once: submitting or applying it does not ask the drivers again. */
class JobCheckedOnceTest {
    private static final String SPEC = """
            {"job": {"name": "batch", "type": "batch", "groups": [
              {"name": "a", "tasks": [{"name": "t", "driver": "fake", "config": {"exit_code": 0}}]},
              {"name": "b", "tasks": [{"name": "t", "driver": "fake", "config": {"exit_code": 0}}]}]}}
            """;

    @TempDir
    Path root;

    @Test
    void aParsedJobIsNotCheckedAgainWhenApplied() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            JobSpec job = runner.parse(SPEC);
            assertThat(fx.driver.validations).hasValue(2);

            runner.apply(job, false);
            runner.submit(JobSpec.builder("batch")
                    .groups(job.groups())
                    .type(job.type())
                    .build());

            // the second job is equal to the first: as valid, so not checked either
            assertThat(fx.driver.validations).hasValue(2);
            runner.stopAll(Duration.ofSeconds(10));
        }
    }

    @Test
    void aJobFoundInvalidIsCheckedAgainEachTime() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            JobSpec bad = RunnerFixture.job(RunnerFixture.task("t", java.util.Map.of("exit_code", 300)));

            assertThatThrownBy(() -> runner.submit(bad)).isInstanceOf(ValidationException.class);
            assertThatThrownBy(() -> runner.submit(bad))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("exit_code");
            assertThat(fx.driver.validations).hasValue(2);
        }
    }
}
