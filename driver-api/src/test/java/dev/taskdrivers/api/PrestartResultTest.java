package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrestartResultTest {

    @Test
    void emptyPreparesNothing() {
        PrestartResult empty = PrestartResult.empty();

        assertThat(empty.created().isEmpty()).isTrue();
        assertThat(empty.portMap()).isEmpty();
        assertThat(empty.envOverrides()).isEmpty();
        assertThat(PrestartResult.builder().build()).isEqualTo(empty).hasSameHashCodeAs(empty);
    }

    @Test
    void builderCollectsPortsAndEnvironment() {
        CreatedResources image = CreatedResources.empty().with("image", "busybox:1");

        PrestartResult r = PrestartResult.builder()
                .created(image)
                .port("http", 8080)
                .envOverride("NOMAD_TASK_DIR", "/local")
                .build();

        assertThat(r.created()).isEqualTo(image);
        assertThat(r.portMap()).containsExactly(Map.entry("http", 8080));
        assertThat(r.envOverrides()).containsExactly(Map.entry("NOMAD_TASK_DIR", "/local"));
        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(PrestartResult.of(image)).isNotEqualTo(r);
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", null);

        assertThatThrownBy(() -> PrestartResult.builder()
                        .created(null)
                        .port("http", 70000)
                        .envOverrides(env)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("created: is required")
                .hasMessageContaining("portMap.http: must be a port 1-65535, was 70000")
                .hasMessageContaining("envOverrides.HOME: must not be null");
    }

    @Test
    void toStringMasksSecretEnvironmentValues() {
        PrestartResult r = PrestartResult.builder()
                .envOverride("VAULT_TOKEN", "s.abc123")
                .envOverride("NOMAD_TASK_DIR", "/local")
                .build();

        assertThat(r.toString())
                .doesNotContain("s.abc123")
                .contains("VAULT_TOKEN=" + Redaction.MASK, "NOMAD_TASK_DIR=/local");
    }
}
