package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Fingerprint.Health;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void factoriesSetTheHealth() {
        assertThat(Fingerprint.healthy("ok", Map.of("driver.x.version", "1")).isHealthy())
                .isTrue();
        assertThat(Fingerprint.unhealthy("engine down").health()).isEqualTo(Health.UNHEALTHY);
        assertThat(Fingerprint.undetected("no binary").health()).isEqualTo(Health.UNDETECTED);
        assertThat(Fingerprint.unhealthy("engine down").attributes()).isEmpty();
    }

    @Test
    void builderCollectsAttributesAndEqualsTheFactory() {
        Fingerprint built = Fingerprint.builder()
                .health(Health.HEALTHY)
                .description("ok")
                .attribute("driver.x.version", "1")
                .attribute("driver.x.api", "2")
                .build();

        assertThat(built)
                .isEqualTo(Fingerprint.healthy("ok", Map.of("driver.x.version", "1", "driver.x.api", "2")))
                .hasSameHashCodeAs(Fingerprint.healthy("ok", Map.of("driver.x.version", "1", "driver.x.api", "2")));
        assertThat(built)
                .isNotEqualTo(built.toBuilder().health(Health.UNHEALTHY).build());
        assertThat(built.attributes()).containsEntry("driver.x.api", "2");
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("driver.x.version", null);

        assertThatThrownBy(() -> Fingerprint.builder()
                        .description(" ")
                        .attributes(withNull)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("health: is required")
                .hasMessageContaining("description: must not be blank")
                .hasMessageContaining("attributes.driver.x.version: must not be null");
    }

    @Test
    void toStringMasksSecretAttributes() {
        Fingerprint f = Fingerprint.healthy("ok", Map.of("driver.x.auth_token", "s3cr3t", "driver.x.version", "1"));

        assertThat(f.toString()).doesNotContain("s3cr3t").contains(Redaction.MASK, "driver.x.version=1");
    }
}
