package dev.taskdrivers.consul;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kiwiproject.consul.model.agent.Registration;

/**
 * An HTTP check with a method and request headers. consul-client's check model has no fields for them although the
 * agent accepts {@code Method} and {@code Header}; this adds them and delegates everything else to a built check.
 */
@JsonSerialize(as = HttpCheckRegistration.class)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
final class HttpCheckRegistration extends Registration.RegCheck {
    private final Registration.RegCheck base;
    private final @Nullable String method;
    private final Map<String, List<String>> headers;

    HttpCheckRegistration(Registration.RegCheck base, @Nullable String method, Map<String, List<String>> headers) {
        this.base = base;
        this.method = method;
        this.headers = Map.copyOf(headers);
    }

    @JsonProperty("Method")
    public Optional<String> getMethod() {
        return Optional.ofNullable(method);
    }

    @JsonProperty("Header")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public Map<String, List<String>> getHeader() {
        return headers;
    }

    @Override
    public Optional<String> getId() {
        return base.getId();
    }

    @Override
    public Optional<String> getName() {
        return base.getName();
    }

    @Override
    public Optional<List<String>> getArgs() {
        return base.getArgs();
    }

    @Override
    public Optional<String> getInterval() {
        return base.getInterval();
    }

    @Override
    public Optional<String> getTtl() {
        return base.getTtl();
    }

    @Override
    public Optional<String> getHttp() {
        return base.getHttp();
    }

    @Override
    public Optional<String> getTcp() {
        return base.getTcp();
    }

    @Override
    public Optional<String> getGrpc() {
        return base.getGrpc();
    }

    @Override
    public Optional<Boolean> getGrpcUseTls() {
        return base.getGrpcUseTls();
    }

    @Override
    public Optional<String> getTimeout() {
        return base.getTimeout();
    }

    @Override
    public Optional<String> getNotes() {
        return base.getNotes();
    }

    @Override
    public Optional<String> getDeregisterCriticalServiceAfter() {
        return base.getDeregisterCriticalServiceAfter();
    }

    @Override
    public Optional<Boolean> getTlsSkipVerify() {
        return base.getTlsSkipVerify();
    }

    @Override
    public Optional<String> getStatus() {
        return base.getStatus();
    }

    @Override
    public Optional<Integer> getSuccessBeforePassing() {
        return base.getSuccessBeforePassing();
    }

    @Override
    public Optional<Integer> getFailuresBeforeCritical() {
        return base.getFailuresBeforeCritical();
    }

    @Override
    public String toString() {
        return "HttpCheckRegistration[" + base.getId().orElse("?") + " " + method + "]";
    }
}
