package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void theClientReadsTheEnginesAnswersWithTheMapperItWasGiven() {
        DockerTestEnv.requireEngine();
        AtomicInteger built = new AtomicInteger();
        ObjectMapper json = DockerClientConfig.getDefaultObjectMapper()
                .registerModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyDeserializer(
                            DeserializationConfig config, BeanDescription bean, JsonDeserializer<?> deserializer) {
                        built.incrementAndGet();
                        return deserializer;
                    }
                }));

        try (DockerClient docker = DockerClients.create(DockerDriverOptions.parse(Map.of()), json)) {
            assertThat(docker.versionCmd().exec().getApiVersion()).isNotBlank();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        assertThat(built).as("deserializers the given mapper built").hasPositiveValue();
    }
}
