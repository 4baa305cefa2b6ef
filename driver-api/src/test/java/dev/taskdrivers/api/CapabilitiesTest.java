package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Capabilities.FsIsolation;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void whatIsNotSetIsUnsupported() {
        Capabilities caps =
                Capabilities.builder().fsIsolation(FsIsolation.IMAGE).build();

        assertThat(caps.signals()).isFalse();
        assertThat(caps.exec()).isFalse();
        assertThat(caps.fsIsolation()).isEqualTo(FsIsolation.IMAGE);
    }

    @Test
    void equalWhenEveryCapabilityIsEqual() {
        Capabilities a = Capabilities.builder()
                .signals(true)
                .exec(true)
                .fsIsolation(FsIsolation.NONE)
                .build();

        assertThat(a)
                .isEqualTo(a.toBuilder().build())
                .hasSameHashCodeAs(a.toBuilder().build());
        assertThat(a).isNotEqualTo(a.toBuilder().exec(false).build());
        assertThat(a.toString()).contains("signals=true", "exec=true", "fsIsolation=NONE");
    }

    @Test
    void fsIsolationIsRequired() {
        assertThatThrownBy(() -> Capabilities.builder().signals(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid Capabilities: fsIsolation: is required");
    }
}
