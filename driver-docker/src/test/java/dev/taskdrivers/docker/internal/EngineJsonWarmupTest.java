package dev.taskdrivers.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import com.github.dockerjava.core.DockerClientConfig;
import org.junit.jupiter.api.Test;

class EngineJsonWarmupTest {

    @Test
    void preparesTheMapperForTheCallsThatStartATask() {
        ObjectMapper json = DockerClientConfig.getDefaultObjectMapper();

        // false would mean the made-up JSON no longer fits docker-java's model: starts would lose the head start
        assertThat(new EngineJsonWarmup(json).prepare()).isTrue();

        assertThat(((DefaultSerializerProvider) json.getSerializerProvider()).cachedSerializersCount())
                .as("serializers of the create request, kept by the mapper")
                .isPositive();
    }
}
