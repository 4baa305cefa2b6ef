package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverOptionParserTest {

    @Test
    void dotsAfterTheDriverNameBuildNestedOptions() {
        Map<String, Map<String, Object>> options = DriverOptionParser.parse(List.of(
                "docker.image_gc.delay=5s",
                "docker.image_gc.enabled=false",
                "docker.endpoint=unix:///x.sock",
                "raw_exec.enabled=true"));

        assertThat(options)
                .isEqualTo(Map.of(
                        "docker",
                                Map.of(
                                        "image_gc",
                                        Map.of("delay", "5s", "enabled", false),
                                        "endpoint",
                                        "unix:///x.sock"),
                        "raw_exec", Map.of("enabled", true)));
    }

    @Test
    void valuesKeepTheirTypingRules() {
        Map<String, Object> values = DriverOptionParser.parse(List.of(
                        "d.a=true",
                        "d.b=42",
                        "d.c=-7",
                        "d.d=1.5",
                        "d.e=True",
                        "d.f=",
                        "d.g=a=b",
                        "d.h=1234567890123456789"))
                .get("d");

        assertThat(values)
                .containsEntry("a", true)
                .containsEntry("b", 42L)
                .containsEntry("c", -7L)
                .containsEntry("d", "1.5")
                .containsEntry("e", "True")
                .containsEntry("f", "")
                .containsEntry("g", "a=b")
                .containsEntry("h", "1234567890123456789");
    }

    @Test
    void theSameKeyGivenTwiceKeepsTheLastValue() {
        assertThat(DriverOptionParser.parse(List.of("d.x.y=1", "d.x.y=2")).get("d"))
                .isEqualTo(Map.of("x", Map.of("y", 2L)));
    }

    @Test
    void aKeyCannotBeBothAValueAndHoldOptions() {
        assertThatThrownBy(() -> DriverOptionParser.parse(List.of("docker.image_gc=1", "docker.image_gc.delay=5s")))
                .hasMessageContaining("docker.image_gc.delay=5s")
                .hasMessageContaining("docker.image_gc is already set");
        assertThatThrownBy(() -> DriverOptionParser.parse(List.of("docker.image_gc.delay=5s", "docker.image_gc=1")))
                .hasMessageContaining("docker.image_gc already holds nested options");
    }

    @Test
    void malformedOptionsAreNamed() {
        for (String bad :
                List.of("docker", "docker=1", "docker.=1", ".x=1", "docker..delay=1", "docker.x.=1", "docker.x")) {
            assertThatThrownBy(() -> DriverOptionParser.parse(List.of(bad)))
                    .as(bad)
                    .hasMessageContaining("must look like DRIVER.KEY=VALUE")
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
