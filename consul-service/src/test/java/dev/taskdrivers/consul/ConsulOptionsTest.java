package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.ServiceRegistryProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsulOptionsTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryOption() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        ConsulOptions o = ConsulOptions.parse(Map.of(
                "address",
                "http://10.0.0.1:8500",
                "token_file",
                token.toString(),
                "datacenter",
                "eu1",
                "id_prefix",
                "_node7",
                "resync_interval",
                "10s",
                "probation",
                "2m",
                "shutdown_timeout",
                "3s",
                "max_backoff",
                "15s"));

        assertThat(o.address().toString()).isEqualTo("http://10.0.0.1:8500");
        assertThat(o.token()).hasValueSatisfying(t -> assertThat(t.reveal()).isEqualTo("s3cret"));
        assertThat(o.datacenter()).isEqualTo("eu1");
        assertThat(o.idPrefix()).isEqualTo("_node7");
        assertThat(o.resyncInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.probation()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.toString()).doesNotContain("s3cret");
    }

    @Test
    void reportsEveryProblemAtOnceWithoutShowingTheToken() {
        assertThatThrownBy(() -> ConsulOptions.parse(Map.of(
                        "address",
                        "ftp://x",
                        "token",
                        "s3cret",
                        "token_file",
                        "/nope",
                        "tls_skip_verify",
                        "yes",
                        "id_prefix",
                        "bad-prefix",
                        "resync_interval",
                        "soon",
                        "colour",
                        "blue")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems())
                        .extracting(ValidationProblem::field)
                        .containsExactlyInAnyOrder(
                                "consul.address",
                                "consul.token_file",
                                "consul.tls_skip_verify",
                                "consul.id_prefix",
                                "consul.resync_interval",
                                "consul.colour"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }

    @Test
    void theProviderIsFoundByName() {
        assertThat(ServiceLoader.load(ServiceRegistryProvider.class).stream()
                        .map(p -> p.get().name()))
                .contains("consul");
    }
}
