package dev.taskdrivers.services;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A health check of a service, as written in the task spec.
 *
 * @param name the check name (defaults to "service: NAME check")
 * @param type http, tcp, grpc or script
 * @param portLabel the port to check, or {@code null} for the service's port
 * @param addressMode which address to check, {@code null} to follow the service
 * @param protocol http or https (http checks)
 * @param path the URL path (http checks)
 * @param method the HTTP method (http checks)
 * @param headers extra request headers (http checks)
 * @param tlsSkipVerify whether an https check skips certificate verification
 * @param grpcService the gRPC service name to check (grpc checks), may be {@code null}
 * @param grpcUseTls whether the grpc check uses TLS
 * @param command the program and arguments to run inside the task (script checks)
 * @param interval how often the check runs
 * @param timeout how long one run may take
 * @param initialStatus passing, warning or critical until the first result; {@code null} for the agent's default
 */
public record CheckSpec(
        String name,
        CheckType type,
        String portLabel,
        AddressMode addressMode,
        String protocol,
        String path,
        String method,
        Map<String, List<String>> headers,
        boolean tlsSkipVerify,
        String grpcService,
        boolean grpcUseTls,
        List<String> command,
        Duration interval,
        Duration timeout,
        String initialStatus) {

    public CheckSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        command = List.copyOf(command == null ? List.of() : command);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }
}
