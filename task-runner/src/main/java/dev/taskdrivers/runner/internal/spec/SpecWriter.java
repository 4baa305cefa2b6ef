package dev.taskdrivers.runner.internal.spec;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a {@link TaskSpec} back in the spec's JSON shape, so persisted state is read by the same parser. */
public final class SpecWriter {

    private SpecWriter() {}

    /** The task as a JSON-like map that {@link SpecParser#task} reads back to an equal spec. */
    public static Map<String, Object> task(TaskSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("driver", t.driver());
        m.put("leader", t.leader());
        m.put("config", t.config());
        m.put("env", t.env());
        m.put("meta", t.meta());
        if (t.user() != null) {
            m.put("user", t.user());
        }
        Map<String, Object> ports = new LinkedHashMap<>();
        t.ports().forEach(p -> ports.put(p.label(), p.isDynamic() ? Map.of() : Map.of("static", p.staticPort())));
        m.put("resources", Map.of("cpu", t.cpu(), "memory_mb", t.memoryMb(), "ports", ports));
        if (t.restart() != null) {
            m.put("restart", restart(t.restart()));
        }
        m.put("kill_timeout", duration(t.killTimeout()));
        m.put("kill_signal", t.killSignal());
        List<Object> services = new ArrayList<>();
        t.services().forEach(s -> services.add(service(s)));
        m.put("services", services);
        if (!t.logs().equals(LogConfig.DEFAULT)) {
            m.put("logs", logs(t.logs()));
        }
        return m;
    }

    /** Whole MiB as in the spec; a size set in bytes through the Java API is kept in bytes. */
    private static Map<String, Object> logs(LogConfig logs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_files", logs.maxFiles());
        if (logs.maxFileSizeBytes() % (1024 * 1024) == 0) {
            m.put("max_file_size", logs.maxFileSizeMb());
        } else {
            m.put(SpecParser.MAX_FILE_SIZE_BYTES, logs.maxFileSizeBytes());
        }
        return m;
    }

    public static Map<String, Object> restart(RestartPolicy r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempts", r.attempts());
        m.put("interval", duration(r.interval()));
        m.put("delay", duration(r.delay()));
        m.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
        m.put("jitter", duration(r.jitter()));
        return m;
    }

    private static Map<String, Object> service(ServiceSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("tags", s.tags());
        if (s.portLabel() != null) {
            m.put("port", s.portLabel());
        }
        m.put("address_mode", s.addressMode().name().toLowerCase(Locale.ROOT));
        m.put("meta", s.meta());
        List<Object> checks = new ArrayList<>();
        s.checks().forEach(c -> checks.add(check(c)));
        m.put("checks", checks);
        return m;
    }

    private static Map<String, Object> check(CheckSpec c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("type", c.type().name().toLowerCase(Locale.ROOT));
        if (c.portLabel() != null) {
            m.put("port", c.portLabel());
        }
        if (c.addressMode() != null) {
            m.put("address_mode", c.addressMode().name().toLowerCase(Locale.ROOT));
        }
        m.put("protocol", c.protocol() == null ? "http" : c.protocol());
        if (c.path() != null) {
            m.put("path", c.path());
        }
        if (c.method() != null) {
            m.put("method", c.method());
        }
        m.put("header", c.headers());
        m.put("tls_skip_verify", c.tlsSkipVerify());
        if (c.grpcService() != null) {
            m.put("grpc_service", c.grpcService());
        }
        m.put("grpc_use_tls", c.grpcUseTls());
        if (!c.command().isEmpty()) {
            m.put("command", c.command().get(0));
            m.put("args", c.command().subList(1, c.command().size()));
        }
        m.put("interval", duration(c.interval()));
        m.put("timeout", duration(c.timeout()));
        if (c.initialStatus() != null) {
            m.put("initial_status", c.initialStatus());
        }
        return m;
    }

    /** A duration in the spec's notation, exact to the millisecond. */
    public static String duration(Duration d) {
        return d.toMillis() + "ms";
    }
}
