package dev.taskdrivers.consul;

import dev.taskdrivers.consul.internal.CheckStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.kiwiproject.consul.AgentClient;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.NotRegisteredException;
import org.kiwiproject.consul.model.State;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.agent.Registration;
import org.kiwiproject.consul.model.health.HealthCheck;
import org.kiwiproject.consul.model.health.Service;
import org.kiwiproject.consul.option.ImmutableQueryParameterOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.kiwiproject.consul.option.QueryParameterOptions;

/** {@link ConsulAgent} through kiwiproject's consul-client. The token travels in a header, never in a URL. */
final class KiwiConsulAgent implements ConsulAgent {
    /** Longest TTL output sent; the rest is cut (it travels as a query parameter). */
    static final int MAX_OUTPUT_CHARS = 4096;

    private static final QueryParameterOptions REPLACE_CHECKS =
            ImmutableQueryParameterOptions.builder().replaceExistingChecks(true).build();

    private final Consul consul;
    private final AgentClient agent;

    private KiwiConsulAgent(Consul consul) {
        this.consul = consul;
        this.agent = consul.agentClient();
    }

    /** A client for the agent in {@code options}; does not contact it yet. */
    static KiwiConsulAgent connect(ConsulOptions options, RequestCounter counter) {
        Consul.Builder b = Consul.builder()
                .withUrl(options.address().toString())
                .withPing(false)
                .withConnectTimeoutMillis(2_000)
                .withReadTimeoutMillis(10_000)
                .withWriteTimeoutMillis(10_000)
                .withClientEventCallback(counter);
        options.token().ifPresent(t -> b.withHeaders(Map.of("X-Consul-Token", t.reveal())));
        if ("https".equals(options.address().getScheme())) {
            TlsContexts.Tls tls = options.tlsSkipVerify()
                    ? TlsContexts.trustingAnything()
                    : options.tlsCaFile() != null ? TlsContexts.trusting(options.tlsCaFile()) : null;
            if (tls != null) {
                b.withSslContext(tls.context()).withTrustManager(tls.trustManager());
            }
            if (options.tlsSkipVerify()) {
                b.withHostnameVerifier((host, session) -> true);
            }
        }
        return new KiwiConsulAgent(b.build());
    }

    @Override
    public AgentSnapshot read() {
        Map<String, Service> services = call("list services", agent::getServices);
        Map<String, AgentSnapshot.Service> s = new HashMap<>();
        services.forEach((id, v) -> s.put(
                id,
                new AgentSnapshot.Service(
                        v.getId(), v.getService(), v.getTags(), v.getAddress(), v.getPort(), v.getMeta())));
        return new AgentSnapshot(s, checks());
    }

    @Override
    public Map<String, AgentSnapshot.Check> checks() {
        Map<String, HealthCheck> checks = call("list checks", agent::getChecks);
        Map<String, AgentSnapshot.Check> c = new HashMap<>();
        checks.forEach((id, v) -> c.put(
                id,
                new AgentSnapshot.Check(
                        v.getCheckId(),
                        v.getName(),
                        v.getServiceId().orElse(""),
                        v.getStatus(),
                        v.getOutput().orElse(""))));
        return c;
    }

    @Override
    public void register(WantedService service) {
        ImmutableRegistration.Builder reg = ImmutableRegistration.builder()
                .id(service.id())
                .name(service.name())
                .tags(service.tags())
                .meta(service.meta());
        if (service.address() != null) {
            reg.address(service.address());
        }
        if (service.port() > 0) {
            reg.port(service.port());
        }
        for (WantedCheck check : service.checks()) {
            reg.addChecks(toRegCheck(check));
        }
        Registration registration = reg.build();
        call("register service " + service.id(), () -> {
            agent.register(registration, QueryOptions.BLANK, REPLACE_CHECKS);
            return null;
        });
    }

    @Override
    public void deregister(String serviceId) {
        call("deregister service " + serviceId, () -> {
            agent.deregister(serviceId);
            return null;
        });
    }

    @Override
    public void deregisterCheck(String checkId) {
        call("deregister check " + checkId, () -> {
            agent.deregisterCheck(checkId);
            return null;
        });
    }

    @Override
    public boolean updateTtl(String checkId, CheckStatus status, String output) {
        State state = switch (status) {
            case PASSING -> State.PASS;
            case WARNING -> State.WARN;
            case CRITICAL -> State.FAIL;
        };
        String note = output.length() > MAX_OUTPUT_CHARS ? output.substring(0, MAX_OUTPUT_CHARS) : output;
        try {
            agent.check(checkId, state, note);
            return true;
        } catch (NotRegisteredException e) {
            // the client reports every failure this way; tell "unknown check" apart from "agent down"
            if (e.getCause() instanceof ConsulException ce
                    && (ce.hasCode() && ce.getCode() == 404
                            || String.valueOf(ce.getMessage()).contains("Unknown check"))) {
                return false;
            }
            throw new ConsulUnavailableException(
                    "consul: update TTL of check " + checkId + " failed: "
                            + describe(e.getCause() != null ? e.getCause() : e),
                    e);
        } catch (RuntimeException e) {
            throw new ConsulUnavailableException(
                    "consul: update TTL of check " + checkId + " failed: " + describe(e), e);
        }
    }

    @Override
    public String datacenter() {
        return call(
                "read agent configuration", () -> agent.getAgent().getConfig().getDatacenter());
    }

    @Override
    public void close() {
        consul.destroy();
    }

    private static Registration.RegCheck toRegCheck(WantedCheck c) {
        ImmutableRegCheck.Builder b = ImmutableRegCheck.builder().id(c.id()).name(c.name());
        if (c.initialStatus() != null) {
            b.status(c.initialStatus());
        }
        switch (c.type()) {
            case HTTP ->
                b.http(c.target())
                        .interval(goDuration(c.interval()))
                        .timeout(goDuration(c.timeout()))
                        .tlsSkipVerify(c.tlsSkipVerify());
            case TCP -> b.tcp(c.target()).interval(goDuration(c.interval())).timeout(goDuration(c.timeout()));
            case GRPC ->
                b.grpc(c.target())
                        .grpcUseTls(c.grpcUseTls())
                        .interval(goDuration(c.interval()))
                        .timeout(goDuration(c.timeout()));
            case SCRIPT -> b.ttl(goDuration(c.ttl()));
        }
        Registration.RegCheck check = b.build();
        if (c.method() != null || !c.headers().isEmpty()) {
            return new HttpCheckRegistration(check, c.method(), c.headers());
        }
        return check;
    }

    /** A duration as Consul reads it: whole seconds as {@code 10s}, else milliseconds. */
    static String goDuration(Duration d) {
        long ms = Math.max(1, d.toMillis());
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new ConsulUnavailableException("consul: " + what + " failed: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
