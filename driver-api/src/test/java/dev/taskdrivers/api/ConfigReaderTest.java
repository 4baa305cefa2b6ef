package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    @Test
    void reportsEveryProblemWithItsPathAtOnce() {
        ConfigReader reader = new ConfigReader(
                Map.of(
                        "args",
                        List.of("ok", 7),
                        "force_pull",
                        "yes",
                        "port_map",
                        Map.of("http", 70000),
                        "imagee",
                        "typo"),
                "config");

        reader.requiredString("image");
        reader.stringList("args");
        reader.bool("force_pull", false);
        reader.portMap("port_map");

        assertThat(reader.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "config.image: is required",
                        "config.args[1]: must be a string, got 7",
                        "config.force_pull: must be true or false, got \"yes\"",
                        "config.port_map.http: must be a port number 1-65535, got 70000",
                        "config.imagee: unknown option");
    }

    @Test
    void readsValidValues() {
        ConfigReader reader = new ConfigReader(
                Map.of("image", "busybox:1", "args", List.of("-c", "true"), "timeout", "1m30s", "count", 3), "");

        assertThat(reader.requiredString("image")).isEqualTo("busybox:1");
        assertThat(reader.stringList("args")).containsExactly("-c", "true");
        assertThat(reader.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(reader.integer("count", 0, 1, 5)).isEqualTo(3);
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void optionalStringIsNullWhenAbsentAndStringFallsBackToItsDefault() {
        ConfigReader reader = new ConfigReader(Map.of("name", "web", "port", 80, "mode", 1), "config");

        assertThat(reader.optionalString("name")).isEqualTo("web");
        assertThat(reader.optionalString("missing")).isNull();
        assertThat(reader.optionalString("port")).isNull();
        assertThat(reader.string("other", "fallback")).isEqualTo("fallback");
        assertThat(reader.string("mode", "fallback")).isEqualTo("fallback");
        assertThat(reader.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "config.port: must be a string, got 80", "config.mode: must be a string, got 1");
    }

    @Test
    void nestedProblemsCarryTheNestedPath() {
        ConfigReader reader = new ConfigReader(Map.of("auth", Map.of("username", 1, "extra", true)), "config");
        ConfigReader auth = reader.nested("auth");
        auth.optionalString("username");
        reader.include(auth);

        assertThat(reader.problems())
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder("config.auth.username", "config.auth.extra");
    }

    @Test
    void throwIfInvalidThrowsValidationExceptionListingProblems() {
        ConfigReader reader = new ConfigReader(Map.of("x", 1), "config");

        assertThatThrownBy(reader::throwIfInvalid)
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.isRecoverable()).isFalse();
                    assertThat(e.problems()).hasSize(1);
                })
                .hasMessageContaining("config.x: unknown option");
    }

    @Test
    void parsesGoStyleDurations() {
        assertThat(ConfigReader.parseDuration("250ms")).contains(Duration.ofMillis(250));
        assertThat(ConfigReader.parseDuration("1800000ms")).contains(Duration.ofMinutes(30));
        assertThat(ConfigReader.parseDuration("1.5ms")).contains(Duration.ofNanos(1_500_000));
        assertThat(ConfigReader.parseDuration("ms")).isEmpty();
        assertThat(ConfigReader.parseDuration("1m5ms")).contains(Duration.ofMillis(60_005));
        assertThat(ConfigReader.parseDuration("1h2m3s")).contains(Duration.ofSeconds(3723));
        assertThat(ConfigReader.parseDuration("1.5s")).contains(Duration.ofMillis(1500));
        assertThat(ConfigReader.parseDuration("0")).contains(Duration.ZERO);
        assertThat(ConfigReader.parseDuration("5")).isEmpty();
        assertThat(ConfigReader.parseDuration("5x")).isEmpty();
        assertThat(ConfigReader.parseDuration("s5")).isEmpty();
        assertThat(ConfigReader.parseDuration("")).isEmpty();
    }

    @Test
    void aDurationLongerThanNanosecondsInALongHoldIsAProblemNotAnOverflow() {
        ConfigReader reader =
                new ConfigReader(Map.of("a", 9_223_372_036_855L, "b", "9999999999h", "c", 9_223_372_036L), "");
        assertThat(reader.duration("a", null)).isNull();
        assertThat(reader.duration("b", null)).isNull();
        assertThat(reader.duration("c", null)).isEqualTo(Duration.ofSeconds(9_223_372_036L));
        assertThat(reader.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "a: must be at most 2562047h (the longest duration in nanoseconds), got 9223372036855",
                        "b: must be at most 2562047h (the longest duration in nanoseconds), got \"9999999999h\"");
    }

    @Test
    void anOptionalDurationIsNullWhenMissingOrWrongAndOnlyAWrongOneIsAProblem() {
        ConfigReader reader = new ConfigReader(Map.of("timeout", "1m30s", "wrong", "soon", "negative", -1), "config");
        assertThat(reader.optionalDuration("timeout")).isEqualTo(Duration.ofSeconds(90));
        assertThat(reader.optionalDuration("missing")).isNull();
        assertThat(reader.optionalDuration("wrong")).isNull();
        assertThat(reader.optionalDuration("negative")).isNull();
        assertThat(reader.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "config.wrong: must be a duration like \"30s\" or \"1m30s\", got \"soon\"",
                        "config.negative: must be a duration like \"30s\" or \"1m30s\", got -1");
    }
}
