package dev.taskdrivers.runner.internal.spec;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.runner.spec.VolumeMountSpec;
import dev.taskdrivers.runner.spec.VolumeSpec;
import dev.taskdrivers.services.CheckRestart;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceProvider;
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
        t.ports().forEach(p -> ports.put(p.label(), port(p)));
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("cpu", t.cpu());
        resources.put("memory_mb", t.memoryMb());
        // each written only when set, so the state and digest of a task without them stay as they were
        if (t.memoryMaxMb() > 0) {
            resources.put("memory_max_mb", t.memoryMaxMb());
        }
        if (t.cores() > 0) {
            resources.put("cores", t.cores());
        }
        resources.put("ports", ports);
        m.put("resources", resources);
        if (t.restart() != null) {
            m.put("restart", restart(t.restart()));
        }
        m.put("kill_timeout", duration(t.killTimeout()));
        m.put("kill_signal", t.killSignal());
        // written only when set, so the state and digest of a task without them stay as they were
        t.lifecycle().ifPresent(l -> m.put("lifecycle", Map.of("hook", l.hook().specName(), "sidecar", l.sidecar())));
        if (!t.shutdownDelay().isZero()) {
            m.put("shutdown_delay", duration(t.shutdownDelay()));
        }
        List<Object> services = new ArrayList<>();
        t.services().forEach(s -> services.add(service(s)));
        m.put("services", services);
        if (!t.templates().isEmpty()) {
            List<Object> templates = new ArrayList<>();
            t.templates().forEach(x -> templates.add(template(x)));
            m.put("templates", templates);
        }
        if (!t.artifacts().isEmpty()) {
            List<Object> artifacts = new ArrayList<>();
            t.artifacts().forEach(a -> artifacts.add(artifact(a)));
            m.put("artifacts", artifacts);
        }
        if (!t.logs().equals(LogConfig.DEFAULT)) {
            m.put("logs", logs(t.logs()));
        }
        if (!t.volumeMounts().isEmpty()) {
            List<Object> mounts = new ArrayList<>();
            t.volumeMounts().forEach(v -> mounts.add(volumeMount(v)));
            m.put("volume_mounts", mounts);
        }
        return m;
    }

    private static Map<String, Object> volumeMount(VolumeMountSpec v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volume", v.volume());
        m.put("destination", v.destination());
        m.put("read_only", v.readOnly());
        m.put("propagation_mode", v.propagation().specName());
        return m;
    }

    /** A group's volumes in the spec's JSON shape, {@code {"NAME": {"type": ..., ...}}}. */
    public static Map<String, Object> volumes(Map<String, VolumeSpec> volumes) {
        Map<String, Object> all = new LinkedHashMap<>();
        volumes.forEach((name, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", v.type().specName());
            m.put("source", v.source());
            m.put("read_only", v.readOnly());
            if (v.accessMode() != null) {
                m.put("access_mode", v.accessMode());
            }
            if (v.attachmentMode() != null) {
                m.put("attachment_mode", v.attachmentMode());
            }
            m.put("per_alloc", v.perAlloc());
            if (v.fsType() != null || !v.mountFlags().isEmpty()) {
                Map<String, Object> options = new LinkedHashMap<>();
                if (v.fsType() != null) {
                    options.put("fs_type", v.fsType());
                }
                options.put("mount_flags", v.mountFlags());
                m.put("mount_options", options);
            }
            all.put(name, m);
        });
        return all;
    }

    private static Map<String, Object> template(TemplateSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (t.data() != null) {
            m.put("data", t.data());
        }
        if (t.source() != null) {
            m.put("source", t.source());
        }
        m.put("destination", t.destination());
        m.put("change_mode", t.changeMode().specName());
        if (t.changeSignal() != null) {
            m.put("change_signal", t.changeSignal());
        }
        TemplateSpec.ChangeScript script = t.changeScript();
        if (script != null) {
            m.put(
                    "change_script",
                    Map.of(
                            "command", script.command(),
                            "args", script.args(),
                            "timeout", duration(script.timeout()),
                            "fail_on_error", script.failOnError()));
        }
        m.put("splay", duration(t.splay()));
        m.put("perms", t.perms());
        if (t.uid() != null) {
            m.put("uid", t.uid());
        }
        if (t.gid() != null) {
            m.put("gid", t.gid());
        }
        m.put("env", t.env());
        m.put("left_delimiter", t.leftDelimiter());
        m.put("right_delimiter", t.rightDelimiter());
        m.put("error_on_missing_key", t.errorOnMissingKey());
        Duration min = t.waitMin();
        Duration max = t.waitMax();
        if (min != null && max != null) {
            m.put("wait", Map.of("min", duration(min), "max", duration(max)));
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

    private static Map<String, Object> artifact(ArtifactSpec a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", a.source());
        m.put("destination", a.destination());
        m.put("mode", a.mode().specName());
        m.put("options", a.options());
        m.put("headers", a.headers());
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
        if (s.address() != null) {
            m.put("address", s.address());
        }
        m.put("meta", s.meta());
        if (s.provider() != ServiceProvider.CONSUL) {
            m.put("provider", s.provider().specName());
        }
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
        CheckRestart restart = c.checkRestart();
        if (restart != null) {
            m.put(
                    "check_restart",
                    Map.of(
                            "limit", restart.limit(),
                            "grace", duration(restart.grace()),
                            "ignore_warnings", restart.ignoreWarnings()));
        }
        return m;
    }

    /** A duration in the spec's notation, exact to the millisecond. */
    public static String duration(Duration d) {
        return d.toMillis() + "ms";
    }

    private static Map<String, Object> port(PortSpec p) {
        Map<String, Object> port = new LinkedHashMap<>();
        if (!p.isDynamic()) {
            port.put("static", p.staticPort());
        }
        if (p.sharedWithGroup()) {
            port.put("group", true);
        }
        return port;
    }
}
