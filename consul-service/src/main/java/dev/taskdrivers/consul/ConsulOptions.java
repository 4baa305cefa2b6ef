package dev.taskdrivers.consul;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.consul.internal.ServiceIds;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the Consul agent and how the registry behaves.
 *
 * @param address the agent's HTTP API, {@code http://host:port} or {@code https://host:port}
 * @param token the ACL token, if the agent needs one; never shown by {@code toString()}
 * @param datacenter the datacenter the agent must be in, or {@code null} to accept any
 * @param tlsCaFile PEM certificates to trust for {@code https}, or {@code null} for the JVM's defaults
 * @param tlsSkipVerify whether {@code https} accepts any certificate and host name (testing only)
 * @param idPrefix the prefix of every service and check ID this registry owns (see {@link ServiceIds})
 * @param resyncInterval how often the agent is compared with the wanted state even when nothing changed
 * @param probation how long after start services of ours that nobody asked for are kept, unless
 *        {@code recoveryComplete()} comes first
 * @param shutdownTimeout how long {@code close()} may spend flushing pending work
 * @param maxBackoff the longest wait between retries while the agent fails
 */
public record ConsulOptions(
        URI address,
        Optional<ConsulToken> token,
        @Nullable String datacenter,
        @Nullable Path tlsCaFile,
        boolean tlsSkipVerify,
        String idPrefix,
        Duration resyncInterval,
        Duration probation,
        Duration shutdownTimeout,
        Duration maxBackoff) {

    public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8500";
    public static final String DEFAULT_ID_PREFIX = "_taskdrivers";
    private static final Pattern PREFIX = Pattern.compile("_?[A-Za-z0-9][A-Za-z0-9_]{0,31}");

    public ConsulOptions {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(idPrefix, "idPrefix");
        if (!PREFIX.matcher(idPrefix).matches()) {
            throw new IllegalArgumentException(
                    "idPrefix must be letters, digits and '_' (at most 32), got '" + idPrefix + "'");
        }
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        Objects.requireNonNull(probation, "probation");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** Defaults: a local agent on 8500, no token, 30 s resync, 1 min probation, 5 s shutdown, 30 s backoff cap. */
    public static ConsulOptions defaults() {
        return new ConsulOptions(
                URI.create(DEFAULT_ADDRESS),
                Optional.empty(),
                null,
                null,
                false,
                DEFAULT_ID_PREFIX,
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }

    public ConsulOptions withAddress(URI value) {
        return copy(d -> d.address = value);
    }

    public ConsulOptions withToken(@Nullable ConsulToken value) {
        return copy(d -> d.token = Optional.ofNullable(value));
    }

    public ConsulOptions withDatacenter(@Nullable String value) {
        return copy(d -> d.datacenter = value);
    }

    public ConsulOptions withTls(@Nullable Path caFile, boolean skipVerify) {
        return copy(d -> {
            d.tlsCaFile = caFile;
            d.tlsSkipVerify = skipVerify;
        });
    }

    public ConsulOptions withIdPrefix(String value) {
        return copy(d -> d.idPrefix = value);
    }

    public ConsulOptions withResyncInterval(Duration value) {
        return copy(d -> d.resyncInterval = value);
    }

    public ConsulOptions withProbation(Duration value) {
        return copy(d -> d.probation = value);
    }

    public ConsulOptions withShutdownTimeout(Duration value) {
        return copy(d -> d.shutdownTimeout = value);
    }

    public ConsulOptions withMaxBackoff(Duration value) {
        return copy(d -> d.maxBackoff = value);
    }

    private ConsulOptions copy(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** A mutable copy, so that each {@code withX} names only the field it changes. */
    private static final class Draft {
        URI address;
        Optional<ConsulToken> token;

        @Nullable
        String datacenter;

        @Nullable
        Path tlsCaFile;

        boolean tlsSkipVerify;
        String idPrefix;
        Duration resyncInterval;
        Duration probation;
        Duration shutdownTimeout;
        Duration maxBackoff;

        Draft(ConsulOptions o) {
            address = o.address;
            token = o.token;
            datacenter = o.datacenter;
            tlsCaFile = o.tlsCaFile;
            tlsSkipVerify = o.tlsSkipVerify;
            idPrefix = o.idPrefix;
            resyncInterval = o.resyncInterval;
            probation = o.probation;
            shutdownTimeout = o.shutdownTimeout;
            maxBackoff = o.maxBackoff;
        }

        ConsulOptions build() {
            return new ConsulOptions(
                    address,
                    token,
                    datacenter,
                    tlsCaFile,
                    tlsSkipVerify,
                    idPrefix,
                    resyncInterval,
                    probation,
                    shutdownTimeout,
                    maxBackoff);
        }
    }

    /**
     * Reads the provider's string options, reporting every problem at once as a
     * {@link dev.taskdrivers.api.ValidationException}. Keys: {@code address}, {@code token}, {@code token_file},
     * {@code datacenter}, {@code tls_ca_file}, {@code tls_skip_verify}, {@code id_prefix},
     * {@code resync_interval}, {@code probation}, {@code shutdown_timeout}, {@code max_backoff}.
     */
    public static ConsulOptions parse(Map<String, String> options) {
        ConsulOptions d = defaults();
        ConfigReader r = new ConfigReader(options, "consul");
        URI address = parseAddress(r, r.string("address", DEFAULT_ADDRESS));
        String tokenValue = r.optionalString("token");
        String tokenFile = r.optionalString("token_file");
        Optional<ConsulToken> token = Optional.empty();
        if (tokenValue != null && tokenFile != null) {
            r.problem("token_file", "must not be set together with token");
        } else if (tokenValue != null) {
            if (tokenValue.isBlank()) {
                r.problem("token", "must not be empty");
            } else {
                token = Optional.of(ConsulToken.of(tokenValue.trim()));
            }
        } else if (tokenFile != null) {
            token = readTokenFile(r, tokenFile);
        }
        String datacenter = r.optionalString("datacenter");
        if (datacenter != null && datacenter.isBlank()) {
            r.problem("datacenter", "must not be empty");
        }
        String ca = r.optionalString("tls_ca_file");
        Path caFile = null;
        if (ca != null) {
            caFile = Path.of(ca);
            if (!Files.isReadable(caFile)) {
                r.problem("tls_ca_file", "is not a readable file: " + ca);
            }
        }
        boolean skipVerify = parseBoolean(r, "tls_skip_verify", false);
        if ((caFile != null || skipVerify) && !"https".equals(address.getScheme())) {
            r.problem(caFile != null ? "tls_ca_file" : "tls_skip_verify", "needs an https address");
        }
        String prefix = r.string("id_prefix", DEFAULT_ID_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            r.problem("id_prefix", "must be letters, digits and '_' (at most 32), got \"" + prefix + "\"");
            prefix = DEFAULT_ID_PREFIX;
        }
        Duration resync = positive(r, "resync_interval", d.resyncInterval());
        Duration probation = r.duration("probation", d.probation());
        Duration shutdown = positive(r, "shutdown_timeout", d.shutdownTimeout());
        Duration backoff = positive(r, "max_backoff", d.maxBackoff());
        r.throwIfInvalid();
        return new ConsulOptions(
                address, token, datacenter, caFile, skipVerify, prefix, resync, probation, shutdown, backoff);
    }

    private static URI parseAddress(ConfigReader r, String text) {
        try {
            URI uri = URI.create(text.trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                r.problem("address", "must be http://host:port or https://host:port, got \"" + text + "\"");
                return URI.create(DEFAULT_ADDRESS);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            r.problem("address", "is not a URL: \"" + text + "\"");
            return URI.create(DEFAULT_ADDRESS);
        }
    }

    private static Optional<ConsulToken> readTokenFile(ConfigReader r, String file) {
        try {
            String value = Files.readString(Path.of(file)).trim();
            if (value.isEmpty()) {
                r.problem("token_file", "is empty: " + file);
                return Optional.empty();
            }
            return Optional.of(ConsulToken.of(value));
        } catch (IOException | RuntimeException e) {
            r.problem("token_file", "cannot be read: " + file);
            return Optional.empty();
        }
    }

    private static boolean parseBoolean(ConfigReader r, String key, boolean defaultValue) {
        String text = r.optionalString(key);
        if (text == null) {
            return defaultValue;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        r.problem(key, "must be true or false, got \"" + text + "\"");
        return defaultValue;
    }

    private static Duration positive(ConfigReader r, String key, Duration defaultValue) {
        Duration value = r.duration(key, defaultValue);
        if (value.isZero()) {
            r.problem(key, "must be longer than zero");
            return defaultValue;
        }
        return value;
    }
}
