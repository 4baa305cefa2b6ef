package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.Fingerprint;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Order(5)
class DockerFingerprintTest {

    @Test
    @Tag("real")
    void healthyWithVersionsAndBridgeAddress() {
        DockerTestEnv.requireEngine();
        try (DockerDriver driver = DockerTestEnv.driver(Map.of())) {
            Fingerprint f = driver.fingerprint();
            assertThat(f.isHealthy()).isTrue();
            assertThat(f.attributes()).containsKeys("driver.docker.version", "driver.docker.api_version");
            assertThat(f.attributes().get("driver.docker.api_version")).matches("1\\.\\d+");
            assertThat(f.attributes().get("driver.docker.bridge_ip")).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        }
    }

    @Test
    @Tag("real")
    void unreachableEngineIsUnhealthyWithTheReasonWhileAnotherDriverKeepsWorking() {
        DockerTestEnv.requireEngine();
        try (DockerDriver broken = DockerTestEnv.driver(Map.of("endpoint", "unix:///nonexistent/docker.sock"));
                DockerDriver working = DockerTestEnv.driver(Map.of())) {
            Fingerprint f = broken.fingerprint();
            assertThat(f.health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
            assertThat(f.description())
                    .contains("unix:///nonexistent/docker.sock")
                    .contains("unreachable");
            assertThat(working.fingerprint().isHealthy()).isTrue();
        }
    }

    @Test
    void refusedTcpEndpointIsUnhealthyNotAnException() {
        try (DockerDriver broken = DockerTestEnv.driver(Map.of("endpoint", "tcp://127.0.0.1:1"))) {
            Fingerprint f = broken.fingerprint();
            assertThat(f.health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
            assertThat(f.description()).contains("tcp://127.0.0.1:1");
        }
    }
}
