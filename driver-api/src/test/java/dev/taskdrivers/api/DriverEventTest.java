package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverEventTest {

    @Test
    void theEmitterTurnsMessageAndDetailsIntoADriverEventHappeningNow() {
        List<DriverEvent> seen = new ArrayList<>();
        EventEmitter emitter = seen::add;
        Instant before = Instant.now();

        emitter.driverEvent("Pulling image busybox:1", Map.of("image", "busybox:1", "percent", "40"));
        emitter.driverEvent("Image pulled");

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).message()).isEqualTo("Pulling image busybox:1");
        assertThat(seen.get(0).details()).containsEntry("percent", "40");
        assertThat(seen.get(0).time()).isBetween(before, Instant.now());
        assertThat(seen.get(1).details()).isEmpty();
    }

    @Test
    void equalWhenMessageDetailsAndTimeAreEqual() {
        DriverEvent a = DriverEvent.builder()
                .message("m")
                .detail("k", "v")
                .time(Instant.EPOCH)
                .build();
        DriverEvent b = DriverEvent.builder()
                .message("m")
                .details(Map.of("k", "v"))
                .time(Instant.EPOCH)
                .build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a)
                .isNotEqualTo(
                        DriverEvent.builder().message("m").time(Instant.EPOCH).build());
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        Map<String, String> details = new HashMap<>();
        details.put("image", null);

        assertThatThrownBy(() ->
                        DriverEvent.builder().message(" ").details(details).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message: must not be blank")
                .hasMessageContaining("details.image: must not be null");
    }

    @Test
    void toStringMasksSecretDetails() {
        DriverEvent e = DriverEvent.of(
                "Logged in to the registry", Map.of("registry_password", "hunter2", "registry", "127.0.0.1:5000"));

        assertThat(e.toString()).doesNotContain("hunter2").contains(Redaction.MASK, "registry=127.0.0.1:5000");
    }
}
