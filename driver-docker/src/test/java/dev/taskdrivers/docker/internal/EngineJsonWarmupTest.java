package dev.taskdrivers.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineJsonWarmupTest {

    @Test
    void preparesTheClientsMapperForACreateAndAnInspectWithoutAskingTheEngine(@TempDir Path dir) throws Exception {
        // an endpoint nobody listens on: any engine call would fail the preparation
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix://" + dir.resolve("no-engine.sock"))
                .build();
        ObjectMapper json = DockerClientConfig.getDefaultObjectMapper();
        try (DockerClient docker = DockerClientImpl.getInstance(
                new MapperPinnedConfig(config, json),
                new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost())
                        .build())) {
            assertThat(new EngineJsonWarmup(docker, json).prepare()).isTrue();
        }
        assertThat(((DefaultSerializerProvider) json.getSerializerProvider()).cachedSerializersCount())
                .as("serializers the create request needs, kept by the mapper")
                .isPositive();
    }
}
