package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageRefTest {

    @Test
    void splitsReferences() {
        assertThat(ImageRef.parse("busybox").canonical()).isEqualTo("busybox:latest");
        assertThat(ImageRef.parse("busybox").registry()).isEqualTo("docker.io");
        ImageRef local = ImageRef.parse("127.0.0.1:5000/team/app:2");
        assertThat(local.repository()).isEqualTo("127.0.0.1:5000/team/app");
        assertThat(local.tag()).isEqualTo("2");
        assertThat(local.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ImageRef.parse("127.0.0.1:5000/app").canonical()).isEqualTo("127.0.0.1:5000/app:latest");
        assertThat(ImageRef.parse("team/app:1").registry()).isEqualTo("docker.io");
        ImageRef digest = ImageRef.parse("quay.io/x/y@sha256:abc");
        assertThat(digest.digest()).isEqualTo("sha256:abc");
        assertThat(digest.registry()).isEqualTo("quay.io");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> ImageRef.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageRef.parse("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageRef.parse("app:")).isInstanceOf(IllegalArgumentException.class);
    }
}
