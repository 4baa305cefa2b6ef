package dev.taskdrivers.consul;

import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.services.CheckType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A check as it should be in Consul.
 *
 * @param id its ID (see {@link ServiceIds})
 * @param name its name
 * @param type http, tcp, grpc, or script (registered as a TTL check)
 * @param target the URL (http), {@code host:port} (tcp) or {@code host:port[/service]} (grpc); {@code null} for
 *        script checks
 * @param method the HTTP method, or {@code null} for GET
 * @param headers extra HTTP request headers
 * @param tlsSkipVerify whether an https check skips certificate verification
 * @param grpcUseTls whether a grpc check uses TLS
 * @param interval how often it runs
 * @param timeout how long one run may take
 * @param initialStatus the status until the first result, or {@code null} for the agent's default
 * @param command the script's program and arguments (script checks)
 * @param handle the task that runs the script (script checks)
 */
record WantedCheck(
        String id,
        String name,
        CheckType type,
        @Nullable String target,
        @Nullable String method,
        Map<String, List<String>> headers,
        boolean tlsSkipVerify,
        boolean grpcUseTls,
        Duration interval,
        Duration timeout,
        @Nullable String initialStatus,
        List<String> command,
        @Nullable TaskHandle handle) {

    /** How much longer than the interval a script check's TTL is, so one slow run does not expire it. */
    static final Duration TTL_SLACK = Duration.ofSeconds(31);

    WantedCheck {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        headers = Map.copyOf(headers);
        command = List.copyOf(command);
    }

    Duration ttl() {
        return interval.plus(TTL_SLACK);
    }

    boolean isScript() {
        return type == CheckType.SCRIPT;
    }

    /** Everything that defines the check in Consul, in a fixed order: the input of its ID's hash. */
    String canonical() {
        return String.join(
                "\u0001",
                name,
                type.name(),
                String.valueOf(target),
                String.valueOf(method),
                new TreeMap<>(headers).toString(),
                Boolean.toString(tlsSkipVerify),
                Boolean.toString(grpcUseTls),
                interval.toString(),
                timeout.toString(),
                String.valueOf(initialStatus),
                String.join("\u0002", command));
    }

    /** This check under the ID its definition hashes to. */
    WantedCheck identifiedBy(ServiceIds ids, String serviceId) {
        return new WantedCheck(
                ids.check(serviceId, canonical()),
                name,
                type,
                target,
                method,
                headers,
                tlsSkipVerify,
                grpcUseTls,
                interval,
                timeout,
                initialStatus,
                command,
                handle);
    }

    @Override
    public String toString() {
        // the handle and headers stay out: headers may carry credentials
        return "WantedCheck[" + id + " " + type + " " + name + "]";
    }
}
