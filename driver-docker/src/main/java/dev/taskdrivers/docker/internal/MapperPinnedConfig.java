package dev.taskdrivers.docker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * A client configuration whose JSON mapper is a given one: docker-java otherwise makes the client a fresh copy of
 * its default mapper that nobody else can reach, so {@link EngineJsonWarmup} could not prepare it. Everything else
 * is the wrapped configuration's.
 */
public final class MapperPinnedConfig implements DockerClientConfig {
    private final DockerClientConfig config;
    private final ObjectMapper json;

    /** @param json the mapper the client is to use instead of a copy of docker-java's default */
    public MapperPinnedConfig(DockerClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    @Override
    public ObjectMapper getObjectMapper() {
        return json;
    }

    @Override
    public URI getDockerHost() {
        return config.getDockerHost();
    }

    @Override
    public RemoteApiVersion getApiVersion() {
        return config.getApiVersion();
    }

    @Override
    public String getRegistryUsername() {
        return config.getRegistryUsername();
    }

    @Override
    public String getRegistryPassword() {
        return config.getRegistryPassword();
    }

    @Override
    public String getRegistryEmail() {
        return config.getRegistryEmail();
    }

    @Override
    public String getRegistryUrl() {
        return config.getRegistryUrl();
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return config.effectiveAuthConfig(imageName);
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return config.getAuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
        return config.getSSLConfig();
    }
}
