package dev.taskdrivers.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import dev.taskdrivers.docker.internal.MapperPinnedConfig;
import dev.taskdrivers.docker.internal.UnusedTlsContext;
import java.time.Duration;

/** Builds docker-java clients on the httpclient5 transport. */
final class DockerClients {
    /** Enough connections for many concurrent pulls, waits and event streams of one driver. */
    private static final int MAX_CONNECTIONS = 256;

    private DockerClients() {}

    static DockerClient create(DockerDriverOptions options) {
        return create(options, DockerClientConfig.getDefaultObjectMapper());
    }

    /** A client that reads and writes the engine's JSON with {@code json}. */
    static DockerClient create(DockerDriverOptions options, ObjectMapper json) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(options.endpoint())
                .withDockerTlsVerify(options.tlsVerify());
        if (options.certPath() != null) {
            builder.withDockerCertPath(options.certPath().toString());
        }
        DockerClientConfig config = builder.build();
        // No response timeout: pulls, waits and event streams are long-lived; deadlines are enforced by the driver.
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(sslConfig(config))
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(new MapperPinnedConfig(config, json), http);
    }

    /** The configured TLS, or for a unix socket a context that is never used (spares loading the trust store). */
    static SSLConfig sslConfig(DockerClientConfig config) {
        SSLConfig configured = config.getSSLConfig();
        if (configured == null && "unix".equals(config.getDockerHost().getScheme())) {
            return UnusedTlsContext::create;
        }
        return configured;
    }
}
