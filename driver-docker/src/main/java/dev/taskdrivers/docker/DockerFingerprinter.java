package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectNetworkCmd;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Version;
import dev.taskdrivers.api.Fingerprint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the engine whether it can run tasks: versions and the bridge address when it can, the reason when not. */
final class DockerFingerprinter {
    private static final Logger LOG = LoggerFactory.getLogger(DockerFingerprinter.class);

    private final DockerClient docker;
    private final String endpoint;

    DockerFingerprinter(DockerClient docker, String endpoint) {
        this.docker = docker;
        this.endpoint = endpoint;
    }

    Fingerprint fingerprint() {
        Version version;
        try {
            version = docker.versionCmd().exec();
        } catch (RuntimeException e) {
            String reason = EngineErrors.reason(e);
            LOG.debug("docker engine at {} unreachable: {}", endpoint, reason);
            return Fingerprint.unhealthy("Docker engine at " + endpoint + " is unreachable: " + reason);
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("driver.docker", "1");
        attributes.put("driver.docker.version", String.valueOf(version.getVersion()));
        attributes.put("driver.docker.api_version", String.valueOf(version.getApiVersion()));
        attributes.put("driver.docker.endpoint", endpoint);
        String bridge = bridgeIp();
        if (bridge != null) {
            attributes.put("driver.docker.bridge_ip", bridge);
        }
        return Fingerprint.healthy(
                "Docker engine " + version.getVersion() + " (API " + version.getApiVersion() + ") at " + endpoint,
                attributes);
    }

    /** The default bridge's gateway, where containers reach the host; null when there is no bridge. */
    private @Nullable String bridgeIp() {
        try (InspectNetworkCmd cmd = docker.inspectNetworkCmd().withNetworkId("bridge")) {
            Network bridge = cmd.exec();
            if (bridge.getIpam() == null || bridge.getIpam().getConfig() == null) {
                return null;
            }
            return bridge.getIpam().getConfig().stream()
                    .map(Network.Ipam.Config::getGateway)
                    .filter(g -> g != null && !g.isBlank())
                    .findFirst()
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.debug("no bridge network: {}", EngineErrors.reason(e));
            return null;
        }
    }
}
