package dev.taskdrivers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds the credentials for a registry: the task's own {@code auth} block first, then the operator's docker
 * {@code config.json} ({@code auths}, then {@code credHelpers}, then {@code credsStore}).
 * Errors never carry a credential.
 */
final class CredentialResolver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HELPER_TIMEOUT_SECONDS = 30;

    private final @Nullable Path configJson;

    /** @param configJson a docker config.json, or null for none */
    CredentialResolver(@Nullable Path configJson) {
        this.configJson = configJson;
    }

    Optional<RegistryCredentials> resolve(@Nullable RegistryCredentials taskAuth, String registry) {
        if (taskAuth != null) {
            return Optional.of(taskAuth);
        }
        Path config = configJson;
        if (config == null) {
            return Optional.empty();
        }
        JsonNode root = readConfig(config);
        JsonNode entry = findByRegistry(root.path("auths"), registry);
        if (entry != null && entry.hasNonNull("auth")) {
            return Optional.of(decodeAuth(entry.get("auth").asText(), registry));
        }
        JsonNode helper = findByRegistry(root.path("credHelpers"), registry);
        if (helper != null && helper.isTextual()) {
            return runHelper(helper.asText(), registry);
        }
        if (root.hasNonNull("credsStore")) {
            return runHelper(root.get("credsStore").asText(), registry);
        }
        return Optional.empty();
    }

    private static JsonNode readConfig(Path configJson) {
        try {
            return JSON.readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "cannot read docker auth config " + configJson + ": "
                            + e.getClass().getSimpleName());
        }
    }

    /** Entries may be keyed by host ({@code 127.0.0.1:5000}) or URL ({@code https://index.docker.io/v1/}). */
    private static @Nullable JsonNode findByRegistry(JsonNode map, String registry) {
        if (!map.isObject()) {
            return null;
        }
        for (var it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            if (hostOf(e.getKey()).equals(hostOf(registry))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String hostOf(String key) {
        String k = key.replaceFirst("^https?://", "");
        int slash = k.indexOf('/');
        k = slash >= 0 ? k.substring(0, slash) : k;
        return k.equals("index.docker.io") || k.equals("registry-1.docker.io") ? ImageRef.DEFAULT_REGISTRY : k;
    }

    private static RegistryCredentials decodeAuth(String auth, String registry) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "the auth entry for " + registry + " in the docker auth config is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "the auth entry for " + registry + " in the docker auth config is not user:password");
        }
        return new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1), registry);
    }

    /** Runs {@code docker-credential-<helper> get} as the docker CLI does: server on stdin, JSON on stdout. */
    private static Optional<RegistryCredentials> runHelper(String helper, String registry) {
        if (!helper.matches("[A-Za-z0-9_.-]+")) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "bad credential helper name \"" + helper + "\"");
        }
        String program = "docker-credential-" + helper;
        try {
            Process p = new ProcessBuilder(program, "get")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(registry.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw DriverException.fatal(ErrorCode.TIMEOUT, program + " did not answer for " + registry);
            }
            if (p.exitValue() != 0) {
                // helpers exit non-zero with "credentials not found in native keychain": no credentials
                return Optional.empty();
            }
            JsonNode node = JSON.readTree(out);
            return Optional.of(new RegistryCredentials(
                    node.path("Username").asText(), node.path("Secret").asText(), registry));
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.DRIVER_UNAVAILABLE, "cannot run credential helper " + program + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while running " + program);
        }
    }
}
