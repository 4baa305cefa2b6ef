package dev.taskdrivers.services;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A health check of a service, as written in the task spec. Built with {@link #http}, {@link #tcp}, {@link #grpc},
 * {@link #script} or {@link #builder}, then usually handed to {@link ServiceSpec.Builder#check}:
 * <pre>{@code
 * CheckSpec.http("/health").interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(1))
 * }</pre>
 * A built check always holds a positive interval and timeout, a path when it is an http check, a command when it is
 * a script check, a protocol of {@code http} or {@code https} and, when set, a known initial status.
 */
public final class CheckSpec {
    /** The interval of a check that sets none. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** The timeout of a check that sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final Set<String> INITIAL_STATUSES = Set.of("passing", "warning", "critical");

    private final String name;
    private final CheckType type;
    private final @Nullable String portLabel;
    private final @Nullable AddressMode addressMode;
    private final String protocol;
    private final @Nullable String path;
    private final String method;
    private final Map<String, List<String>> headers;
    private final boolean tlsSkipVerify;
    private final @Nullable String grpcService;
    private final boolean grpcUseTls;
    private final List<String> command;
    private final Duration interval;
    private final Duration timeout;
    private final @Nullable String initialStatus;
    private final @Nullable CheckRestart checkRestart;

    private CheckSpec(Builder b, String name) {
        this.name = name;
        this.type = b.type;
        this.portLabel = b.portLabel;
        this.addressMode = b.addressMode;
        this.protocol = b.protocol;
        this.path = b.path;
        this.method = b.method;
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = Map.copyOf(h);
        this.tlsSkipVerify = b.tlsSkipVerify;
        this.grpcService = b.grpcService;
        this.grpcUseTls = b.grpcUseTls;
        this.command = List.copyOf(b.command);
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.initialStatus = b.initialStatus;
        this.checkRestart = b.checkRestart;
    }

    /** A check of this type with every other field at its default. */
    public static Builder builder(CheckType type) {
        return new Builder(type);
    }

    /** An HTTP check that asks for {@code path} and passes on a 2xx answer. */
    public static Builder http(String path) {
        return builder(CheckType.HTTP).path(path);
    }

    /** A check that passes when a TCP connection to the port can be opened. */
    public static Builder tcp() {
        return builder(CheckType.TCP);
    }

    /** A check that asks the gRPC health service; {@link Builder#grpcService} names the service to ask about. */
    public static Builder grpc() {
        return builder(CheckType.GRPC);
    }

    /** A check that runs {@code command} with {@code args} inside the task: exit 0 passing, 1 warning, else critical. */
    public static Builder script(String command, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(command);
        argv.addAll(List.of(args));
        return builder(CheckType.SCRIPT).command(argv);
    }

    /** A builder holding this check's values, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(type).name(name);
        b.portLabel = portLabel;
        b.addressMode = addressMode;
        b.protocol = protocol;
        b.path = path;
        b.method = method;
        b.headers.putAll(headers);
        b.tlsSkipVerify = tlsSkipVerify;
        b.grpcService = grpcService;
        b.grpcUseTls = grpcUseTls;
        b.command = command;
        b.interval = interval;
        b.timeout = timeout;
        b.initialStatus = initialStatus;
        b.checkRestart = checkRestart;
        return b;
    }

    /** The check name; by default {@code service: "NAME" check} after its service. */
    public String name() {
        return name;
    }

    /** http, tcp, grpc or script. */
    public CheckType type() {
        return type;
    }

    /**
     * The port to check, a label or a port number no label names ({@link PortReferences}), or {@code null} for the
     * service's port.
     */
    public @Nullable String portLabel() {
        return portLabel;
    }

    /** Which address to check, {@code null} to follow the service. */
    public @Nullable AddressMode addressMode() {
        return addressMode;
    }

    /** {@code http} (the default) or {@code https}, for http checks. */
    public String protocol() {
        return protocol;
    }

    /** The URL path of an http check, {@code null} for other checks. */
    public @Nullable String path() {
        return path;
    }

    /** The HTTP method of an http check, {@code GET} by default. */
    public String method() {
        return method;
    }

    /** Extra request headers of an http check. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Whether an https check skips certificate verification. */
    public boolean tlsSkipVerify() {
        return tlsSkipVerify;
    }

    /** The gRPC service name to check (grpc checks), or {@code null} for the server as a whole. */
    public @Nullable String grpcService() {
        return grpcService;
    }

    /** Whether a grpc check uses TLS. */
    public boolean grpcUseTls() {
        return grpcUseTls;
    }

    /** The program and arguments a script check runs inside the task; empty for other checks. */
    public List<String> command() {
        return command;
    }

    /** How often the check runs. */
    public Duration interval() {
        return interval;
    }

    /** How long one run may take. */
    public Duration timeout() {
        return timeout;
    }

    /** passing, warning or critical until the first result; {@code null} for the agent's default. */
    public @Nullable String initialStatus() {
        return initialStatus;
    }

    /** When the check restarts its task ({@code check_restart}); null when it never does. */
    public @Nullable CheckRestart checkRestart() {
        return checkRestart;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckSpec c
                && name.equals(c.name)
                && type == c.type
                && Objects.equals(portLabel, c.portLabel)
                && addressMode == c.addressMode
                && Objects.equals(protocol, c.protocol)
                && Objects.equals(path, c.path)
                && Objects.equals(method, c.method)
                && headers.equals(c.headers)
                && tlsSkipVerify == c.tlsSkipVerify
                && Objects.equals(grpcService, c.grpcService)
                && grpcUseTls == c.grpcUseTls
                && command.equals(c.command)
                && interval.equals(c.interval)
                && timeout.equals(c.timeout)
                && Objects.equals(initialStatus, c.initialStatus)
                && Objects.equals(checkRestart, c.checkRestart);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name,
                type,
                portLabel,
                addressMode,
                protocol,
                path,
                method,
                headers,
                tlsSkipVerify,
                grpcService,
                grpcUseTls,
                command,
                interval,
                timeout,
                initialStatus,
                checkRestart);
    }

    @Override
    public String toString() {
        // headers may carry credentials (an Authorization header), so only their names are shown
        return "CheckSpec[name=" + name + ", type=" + type + ", port=" + portLabel + ", addressMode=" + addressMode
                + ", protocol=" + protocol + ", path=" + path + ", method=" + method + ", headers="
                + headers.keySet() + ", command=" + command + ", interval=" + interval + ", timeout=" + timeout
                + ", initialStatus=" + initialStatus + ", checkRestart=" + checkRestart + "]";
    }

    /**
     * Collects a check's values; {@link #build} refuses values no check may have, naming each field as the JSON spec
     * does ({@code interval}, {@code path}, ...). Defaults: interval {@link #DEFAULT_INTERVAL}, timeout
     * {@link #DEFAULT_TIMEOUT}, protocol {@code http}, method {@code GET}, no port (the service's), the service's
     * address mode, the agent's initial status.
     */
    public static final class Builder {
        private final CheckType type;
        private @Nullable String name;
        private @Nullable String portLabel;
        private @Nullable AddressMode addressMode;
        private String protocol = "http";
        private @Nullable String path;
        private String method = "GET";
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private boolean tlsSkipVerify;
        private @Nullable String grpcService;
        private boolean grpcUseTls;
        private List<String> command = List.of();
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private @Nullable String initialStatus;
        private @Nullable CheckRestart checkRestart;

        private Builder(CheckType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** The check name; without one, a service names it {@code service: "NAME" check}. */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** The label of the task port to check, when it is not the service's port. */
        public Builder port(String label) {
            this.portLabel = Objects.requireNonNull(label, "port");
            return this;
        }

        /** Which address to check, when it is not the one the service advertises. */
        public Builder addressMode(AddressMode value) {
            this.addressMode = Objects.requireNonNull(value, "addressMode");
            return this;
        }

        /** {@code http} or {@code https}. */
        public Builder protocol(String value) {
            this.protocol = Objects.requireNonNull(value, "protocol");
            return this;
        }

        public Builder path(String value) {
            this.path = Objects.requireNonNull(value, "path");
            return this;
        }

        public Builder method(String value) {
            this.method = Objects.requireNonNull(value, "method");
            return this;
        }

        /** Adds a request header with its values. */
        public Builder header(String name, List<String> values) {
            headers.put(Objects.requireNonNull(name, "header name"), List.copyOf(values));
            return this;
        }

        public Builder tlsSkipVerify(boolean value) {
            this.tlsSkipVerify = value;
            return this;
        }

        public Builder grpcService(String value) {
            this.grpcService = Objects.requireNonNull(value, "grpcService");
            return this;
        }

        public Builder grpcUseTls(boolean value) {
            this.grpcUseTls = value;
            return this;
        }

        /** The program and its arguments, for a script check. */
        public Builder command(List<String> argv) {
            this.command = List.copyOf(argv);
            return this;
        }

        public Builder interval(Duration value) {
            this.interval = Objects.requireNonNull(value, "interval");
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /** {@code passing}, {@code warning} or {@code critical} until the first result. */
        public Builder initialStatus(String value) {
            this.initialStatus = Objects.requireNonNull(value, "initialStatus");
            return this;
        }

        /** When the check restarts its task (Nomad's {@code check_restart}). */
        public Builder checkRestart(CheckRestart value) {
            this.checkRestart = Objects.requireNonNull(value, "checkRestart");
            return this;
        }

        /** The kind of check. */
        public CheckType type() {
            return type;
        }

        /** When the check restarts its task; null when it never does. */
        public @Nullable CheckRestart checkRestart() {
            return checkRestart;
        }

        @Nullable
        String portLabel() {
            return portLabel;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            positive(interval, "interval", problems);
            positive(timeout, "timeout", problems);
            if (type == CheckType.HTTP && (path == null || path.isBlank())) {
                problems.add(new ValidationProblem("path", "is required for an http check"));
            }
            if (!protocol.equals("http") && !protocol.equals("https")) {
                problems.add(
                        new ValidationProblem("protocol", "must be \"http\" or \"https\", got \"" + protocol + "\""));
            }
            if (type == CheckType.SCRIPT && (command.isEmpty() || command.get(0).isBlank())) {
                problems.add(new ValidationProblem("command", "is required for a script check"));
            }
            if (initialStatus != null && !INITIAL_STATUSES.contains(initialStatus)) {
                problems.add(new ValidationProblem(
                        "initial_status", "must be passing, warning or critical, got \"" + initialStatus + "\""));
            }
            return problems;
        }

        /**
         * The check; named {@code "<type> check"} when no name was given (a service gives it its own default).
         *
         * @throws ValidationException naming every field that breaks a rule
         */
        public CheckSpec build() {
            return build(type.name().toLowerCase(Locale.ROOT) + " check");
        }

        CheckSpec build(String defaultName) {
            ValidationException.throwIfAny(problems());
            return new CheckSpec(this, name != null ? name : defaultName);
        }

        private static void positive(Duration d, String field, List<ValidationProblem> problems) {
            if (d.isZero() || d.isNegative()) {
                problems.add(new ValidationProblem(field, "must be longer than 0"));
            }
        }
    }
}
