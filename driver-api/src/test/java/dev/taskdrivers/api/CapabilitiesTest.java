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
        assertThat(caps.dirsInsideTask()).as("tasks see the host's paths").isEmpty();
        assertThat(caps.volumeMounts())
                .as("third-party drivers mount no volumes")
                .isFalse();
    }

    @Test
    void volumeMountsSurviveACopy() {
        Capabilities caps = Capabilities.builder()
                .fsIsolation(FsIsolation.IMAGE)
                .volumeMounts(true)
                .build();

        assertThat(caps.volumeMounts()).isTrue();
        assertThat(caps.toBuilder().build()).isEqualTo(caps).hasSameHashCodeAs(caps);
        assertThat(caps)
                .isNotEqualTo(
                        Capabilities.builder().fsIsolation(FsIsolation.IMAGE).build());
    }

    @Test
    void dirsInsideTaskNameTheThreeVariablesAndSurviveACopy() {
        Capabilities caps = Capabilities.builder()
                .fsIsolation(FsIsolation.CHROOT)
                .dirsInsideTask("/alloc", "/local", "/secrets")
                .build();

        assertThat(caps.dirsInsideTask())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                        "NOMAD_ALLOC_DIR", "/alloc", "NOMAD_TASK_DIR", "/local", "NOMAD_SECRETS_DIR", "/secrets"));
        assertThat(caps.toBuilder().build()).isEqualTo(caps).hasSameHashCodeAs(caps);
        assertThat(caps)
                .isNotEqualTo(
                        Capabilities.builder().fsIsolation(FsIsolation.CHROOT).build());
        assertThat(caps.toString()).contains("NOMAD_TASK_DIR=/local");
        assertThatThrownBy(() -> Capabilities.builder().dirsInsideTask("alloc", "/local", "/secrets"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a directory inside the task must be absolute, got \"alloc\"");
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
