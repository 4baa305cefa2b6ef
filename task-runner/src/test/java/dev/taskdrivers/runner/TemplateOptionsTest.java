package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's template settings: Nomad's defaults and every wrong value named at once. */
class TemplateOptionsTest {
    @Test
    void theDefaultsAreNomads() {
        assertThat(TemplateOptions.DEFAULT.waitMin()).isEqualTo(Duration.ofSeconds(5));
        assertThat(TemplateOptions.DEFAULT.waitMax()).isEqualTo(Duration.ofMinutes(4));
        assertThat(TemplateOptions.DEFAULT.waitBoundsMin()).isNull();
        assertThat(TemplateOptions.DEFAULT.waitBoundsMax()).isNull();
    }

    @Test
    void everyWrongValueIsNamedAtOnce() {
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> TemplateOptions.builder()
                        .wait(Duration.ofSeconds(-1), Duration.ofSeconds(-2))
                        .waitBounds(Duration.ofSeconds(10), Duration.ofSeconds(5))
                        .build());

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "wait.min: must not be negative, got PT-1S",
                        "wait.max: must not be below wait.min (PT-1S), got PT-2S",
                        "wait_bounds.max: must not be below wait_bounds.min (PT10S), got PT5S");
    }

    @Test
    void negativeBoundsAreRefused() {
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> TemplateOptions.builder()
                        .waitBounds(Duration.ofSeconds(-1), Duration.ofSeconds(-1))
                        .build());

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder("wait_bounds.min", "wait_bounds.max");
    }
}
