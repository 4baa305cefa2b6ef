package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import org.junit.jupiter.api.Test;

class DockerClientsTest {

    private static DockerClientConfig config(String endpoint) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint)
                .build();
    }

    @Test
    void anEngineOnAUnixSocketGetsATlsContextThatIsNeverBuiltFromTheTrustStore() throws Exception {
        var ssl = DockerClients.sslConfig(config("unix:///var/run/docker.sock"));

        assertThat(ssl).isNotNull();
        assertThat(ssl.getSSLContext().getProtocol()).isEqualTo("none");
        assertThatThrownBy(() -> ssl.getSSLContext().getSocketFactory())
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("unix socket");
    }

    @Test
    void aTcpEngineWithoutTlsKeepsTheTransportsDefault() {
        assertThat(DockerClients.sslConfig(config("tcp://127.0.0.1:2375"))).isNull();
    }
}
