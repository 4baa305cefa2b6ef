package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps a job in Nomad's API JSON ({@code {"Job": {...}}} as {@code nomad job run -output} prints it and
 * {@code /v1/jobs} takes it, or the bare job object) onto the SDK's model tree, the same tree
 * {@link NomadJobMapper} makes of a job file: the same fields are mapped, ignored (a warning) or refused, ports are
 * placed by {@link NomadPorts}, and a service without a name is named {@code JOB-GROUP-TASK}.
 *
 * <p>Keys are Nomad's ({@code TaskGroups}, {@code Tasks}, {@code Networks} with {@code ReservedPorts} and
 * {@code DynamicPorts}, {@code Services} with {@code PortLabel} and {@code Checks}, {@code RestartPolicy},
 * {@code Resources}, {@code KillTimeout}, ...). Durations are nanoseconds. {@code null}, {@code ""}, {@code 0},
 * {@code false} and empty lists and objects mean "not set", as in the JSON Nomad prints, so an unset scheduler
 * field is not even a warning. In a driver's {@code Config}, a list holding exactly one object is that object (an
 * HCL block written once, as a job file gives it). Problems and warnings name the API path, e.g.
 * {@code Job.TaskGroups[0].Tasks[1].Templates}.
 */
final class NomadApiJobMapper {

    static final Set<String> IGNORED_IN_JOB = Set.of(
            "Priority",
            "AllAtOnce",
            "NodePool",
            "Constraints",
            "Affinities",
            "Spreads",
            "Update",
            "Multiregion",
            "Periodic",
            "ParameterizedJob",
            "Reschedule",
            "Migrate",
            "ConsulToken",
            "VaultToken",
            "ConsulNamespace",
            "VaultNamespace",
            "NomadTokenID",
            "UI",
            "Vault",
            "Consul");
    /** Written by Nomad's servers, read back by {@code nomad job inspect}: nothing to do with them here. */
    static final Set<String> SERVER_STATE = Set.of(
            "Status",
            "StatusDescription",
            "Stable",
            "Version",
            "VersionTag",
            "SubmitTime",
            "CreateIndex",
            "ModifyIndex",
            "JobModifyIndex",
            "Stop",
            "Dispatched",
            "DispatchIdempotencyToken",
            "Payload");

    static final Set<String> IGNORED_IN_GROUP = Set.of(
            "Constraints",
            "Affinities",
            "Spreads",
            "Update",
            "Migrate",
            "ReschedulePolicy",
            "Scaling",
            "Consul",
            "StopAfterClientDisconnect",
            "MaxClientDisconnect",
            "PreventRescheduleOnLost",
            "Disconnect");
    static final Set<String> IGNORED_IN_TASK =
            Set.of("Constraints", "Affinities", "Vault", "Consul", "Identity", "Identities", "Kind", "ScalingPolicies");
    static final Set<String> IGNORED_IN_SERVICE =
            Set.of("CanaryTags", "CanaryMeta", "EnableTagOverride", "TaskName", "Cluster");
    static final Set<String> IGNORED_IN_CHECK = Set.of(
            "SuccessBeforePassing", "FailuresBeforeCritical", "FailuresBeforeWarning", "TaskName", "TLSServerName");
    /** What changes what a task sees or does, which the SDK does not do yet. */
    static final Set<String> UNSUPPORTED = Set.of(
            "DispatchPayload",
            "CSIPluginConfig",
            "Devices",
            "NUMA",
            "Connect",
            "Actions",
            "Schedule",
            "Expose",
            "Body",
            "TaggedAddresses");

    private final List<ValidationProblem> problems = new ArrayList<>();
    private final List<ValidationProblem> warnings = new ArrayList<>();

    /** Whether a parsed JSON object is Nomad's API JSON: a {@code Job} object, or a job with {@code TaskGroups}. */
    static boolean isApiJob(Map<String, Object> root) {
        return root.get("Job") instanceof Map<?, ?> || root.containsKey("TaskGroups");
    }

    NomadJobFile.Mapping map(Map<String, Object> root) {
        Map<String, Object> job;
        String path;
        if (root.get("Job") instanceof Map<?, ?> wrapped) {
            root.keySet().stream()
                    .filter(k -> !k.equals("Job"))
                    .forEach(k -> problem(k, "unknown: the API's job JSON holds one \"Job\" object"));
            job = cast(wrapped);
            path = "Job";
        } else {
            job = root;
            path = "";
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("job", job(path, job));
        return new NomadJobFile.Mapping(tree, List.copyOf(problems), List.copyOf(warnings));
    }

    private Map<String, Object> job(String path, Map<String, Object> raw) {
        Map<String, Object> job = new LinkedHashMap<>();
        Object name = set(raw.get("Name")) ? raw.get("Name") : raw.get("ID");
        if (name != null) {
            job.put("name", name);
        } else {
            problem(at(path, "Name"), "is required (or ID)");
        }
        List<Object> groups = new ArrayList<>();
        raw.forEach((key, value) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> {}
                case "ID" -> putIfSet(job, "id", value);
                case "ParentID" -> putIfSet(job, "parent_id", value);
                case "Namespace" -> putIfSet(job, "namespace", value);
                case "Type" -> {
                    if (set(value)) {
                        job.put("type", NomadJobTypes.runAs(at, value, warnings));
                    }
                }
                case "Region" -> putIfSet(job, "region", value);
                case "Meta" -> putIfSet(job, "meta", texts(value));
                case "Datacenters" -> {
                    if (value instanceof List<?> dcs && dcs.size() == 1) {
                        job.put("datacenter", dcs.get(0));
                    } else if (set(value)) {
                        ignored(at);
                    }
                }
                case "TaskGroups" -> {
                    List<Map<String, Object>> list = objects(at, value);
                    for (int i = 0; i < list.size(); i++) {
                        groups.add(group(String.valueOf(name), at + "[" + i + "]", list.get(i)));
                    }
                }
                default -> {
                    if (!SERVER_STATE.contains(key)) {
                        other(at, value, IGNORED_IN_JOB);
                    }
                }
            }
        });
        if (!raw.containsKey("TaskGroups")) {
            problem(at(path, "TaskGroups"), "is required");
        }
        job.put("groups", groups);
        return job;
    }

    private Map<String, Object> group(String jobName, String path, Map<String, Object> raw) {
        Map<String, Object> group = new LinkedHashMap<>();
        Object name = raw.get("Name");
        group.put("name", name == null ? "" : name);
        List<Map<String, Object>> tasks = new ArrayList<>();
        List<Map<String, Object>> services = new ArrayList<>();
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> {}
                case "Volumes" -> putIfSet(group, "volumes", NomadApiVolumes.volumes(this, at, value));
                case "Count" -> {
                    if (value != null) {
                        group.put("count", value);
                    }
                }
                case "Meta" -> putIfSet(group, "meta", texts(value));
                case "RestartPolicy" -> putIfSet(group, "restart", restart(at, value));
                case "ShutdownDelay" -> putIfSet(group, "shutdown_delay", duration(at, value));
                case "MaxRunDuration" -> {
                    if (!(value instanceof Number n && n.longValue() == 0)) { // 0: no limit, as Nomad reads it
                        putIfSet(group, "max_run_duration", duration(at, value));
                    }
                }
                case "Networks" -> ports.putAll(networks(at, value, group));
                case "EphemeralDisk" -> {
                    if (set(value)
                            && !(value instanceof Map<?, ?> disk && NomadDefaults.isDefaultEphemeralDisk(disk))) {
                        ignored(at);
                    }
                }
                case "Tasks" -> {
                    List<Map<String, Object>> list = objects(at, value);
                    for (int i = 0; i < list.size(); i++) {
                        tasks.add(task(jobName + "-" + name, at + "[" + i + "]", list.get(i)));
                    }
                }
                case "Services" -> {
                    List<Map<String, Object>> list = objects(at, value);
                    for (int i = 0; i < list.size(); i++) {
                        services.add(service(jobName + "-" + name, at + "[" + i + "]", list.get(i), true));
                    }
                }
                default -> other(at, value, IGNORED_IN_GROUP);
            }
        });
        new NomadGroupServices(problems).giveToTasks(path + ".Services", services, tasks);
        new NomadPorts(problems).giveToTasks(path + ".Networks.", ports, tasks);
        group.put("tasks", tasks);
        return group;
    }

    private Map<String, Object> task(String servicePrefix, String path, Map<String, Object> raw) {
        NomadApiTaskParts parts = new NomadApiTaskParts(this);
        Map<String, Object> task = new LinkedHashMap<>();
        Object name = raw.get("Name");
        task.put("name", name == null ? "" : name);
        List<Object> services = new ArrayList<>();
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> {}
                case "Driver" -> task.put("driver", value);
                case "User" -> putIfSet(task, "user", value);
                case "KillSignal" -> putIfSet(task, "kill_signal", value);
                case "Leader" -> putIfSet(task, "leader", value);
                case "KillTimeout" -> putIfSet(task, "kill_timeout", duration(at, value));
                case "ShutdownDelay" -> putIfSet(task, "shutdown_delay", duration(at, value));
                case "Lifecycle" -> putIfSet(task, "lifecycle", parts.lifecycle(at, value));
                case "LogConfig" -> putIfSet(task, "logs", parts.logs(at, value));
                case "Templates" -> putIfSet(task, "templates", parts.each(at, value, parts::template));
                case "Artifacts" -> putIfSet(task, "artifacts", parts.each(at, value, parts::artifact));
                case "VolumeMounts" ->
                    putIfSet(task, "volume_mounts", parts.each(at, value, (p, m) -> NomadApiVolumes.mount(this, p, m)));
                case "Env" -> putIfSet(task, "env", texts(value));
                case "Meta" -> putIfSet(task, "meta", texts(value));
                case "Config" -> {
                    if (value instanceof Map<?, ?> config) {
                        task.put("config", blocks(config));
                    } else if (value != null) {
                        problem(at, "must be an object");
                    }
                }
                case "RestartPolicy" -> putIfSet(task, "restart", restart(at, value));
                case "Resources" -> resources(at, value, task, ports);
                case "Services" -> {
                    List<Map<String, Object>> list = objects(at, value);
                    for (int i = 0; i < list.size(); i++) {
                        services.add(service(servicePrefix + "-" + name, at + "[" + i + "]", list.get(i), false));
                    }
                }
                default -> other(at, value, IGNORED_IN_TASK);
            }
        });
        if (!services.isEmpty()) {
            task.put("services", services);
        }
        NomadPorts placing = new NomadPorts(problems);
        ports.forEach((label, port) -> placing.add(path + ".Resources.Networks." + label, task, label, port));
        return task;
    }

    private void resources(
            String path, Object value, Map<String, Object> task, Map<String, Map<String, Object>> ports) {
        if (!(value instanceof Map<?, ?> map)) {
            if (value != null) {
                problem(path, "must be an object");
            }
            return;
        }
        Map<String, Object> resources = new LinkedHashMap<>();
        cast(map).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "CPU" -> putIfSet(resources, "cpu", v);
                case "MemoryMB" -> putIfSet(resources, "memory_mb", v);
                case "MemoryMaxMB" -> putIfSet(resources, "memory_max_mb", v);
                case "Cores" -> putIfSet(resources, "cores", v);
                case "Networks" -> ports.putAll(networks(at, v, null));
                case "DiskMB", "IOPS" -> {
                    if (set(v)) {
                        ignored(at);
                    }
                }
                default -> other(at, v, Set.of());
            }
        });
        if (!resources.isEmpty()) {
            task.put("resources", resources);
        }
    }

    /** The ports of a list of networks, label to {@code {"static": N, "to": M}}. */
    private Map<String, Map<String, Object>> networks(String path, Object value, @Nullable Map<String, Object> group) {
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        List<Map<String, Object>> networks = objects(path, value);
        for (int n = 0; n < networks.size(); n++) {
            String netPath = path + "[" + n + "]";
            networks.get(n).forEach((key, v) -> {
                String at = at(netPath, key);
                switch (key) {
                    case "ReservedPorts", "DynamicPorts" -> {
                        List<Map<String, Object>> list = objects(at, v);
                        for (int p = 0; p < list.size(); p++) {
                            port(at + "[" + p + "]", list.get(p), key.equals("ReservedPorts"), ports);
                        }
                    }
                    case "Mode" -> {
                        if (set(v)) {
                            NomadNetworkMode.put(at, v, group, problems);
                        }
                    }
                    case "MBits", "Device", "CIDR", "IP" -> {
                        if (set(v)) {
                            ignored(at);
                        }
                    }
                    default -> other(at, v, Set.of());
                }
            });
        }
        return ports;
    }

    private void port(String path, Map<String, Object> raw, boolean reserved, Map<String, Map<String, Object>> ports) {
        Map<String, Object> port = new LinkedHashMap<>();
        Object label = raw.get("Label");
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Label" -> {}
                case "Value" -> {
                    if (reserved) {
                        port.put("static", number(v));
                    }
                }
                case "To" -> {
                    if (v instanceof Number to && to.longValue() > 0) {
                        port.put("to", number(v));
                    } else if (set(v) && !(v instanceof Number)) {
                        problem(at, "must be a port number");
                    }
                }
                case "HostNetwork" -> {
                    if (set(v) && !"default".equals(v)) {
                        problem(at, "not supported yet");
                    }
                }
                default -> other(at, v, Set.of());
            }
        });
        if (!(label instanceof String l) || l.isEmpty()) {
            problem(at(path, "Label"), "is required");
            return;
        }
        ports.put(l, port);
    }

    private Map<String, Object> restart(String path, Object value) {
        Map<String, Object> restart = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> map)) {
            if (value != null) {
                problem(path, "must be an object");
            }
            return restart;
        }
        cast(map).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Attempts" -> putIfNotNull(restart, "attempts", v);
                case "Interval" -> putIfNotNull(restart, "interval", duration(at, v));
                case "Delay" -> putIfNotNull(restart, "delay", duration(at, v));
                case "Mode" -> putIfSet(restart, "mode", v);
                case "RenderTemplates" -> {
                    if (set(v)) {
                        problem(at, "not supported yet");
                    }
                }
                default -> other(at, v, Set.of());
            }
        });
        return restart;
    }

    /**
     * A service; in a group's ({@code inGroup}), a check's {@code TaskName} is the job file's {@code task}, which
     * {@link NomadGroupServices} reads to place the service.
     */
    private Map<String, Object> service(String defaultName, String path, Map<String, Object> raw, boolean inGroup) {
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("name", defaultName);
        List<Object> checks = new ArrayList<>();
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> putIfSet(service, "name", v);
                case "Tags" -> putIfSet(service, "tags", v);
                case "PortLabel" -> putIfSet(service, "port", v);
                case "AddressMode" -> putIfSet(service, "address_mode", v);
                case "Address" -> putIfSet(service, "address", v);
                case "Provider" -> putIfSet(service, "provider", v);
                case "Meta" -> putIfSet(service, "meta", texts(v));
                case "OnUpdate" -> onUpdate(at, v);
                case "CheckRestart" -> putIfNotNull(service, "check_restart", checkRestart(at, v));
                case "Checks" -> {
                    List<Map<String, Object>> list = objects(at, v);
                    for (int i = 0; i < list.size(); i++) {
                        checks.add(check(at + "[" + i + "]", list.get(i), inGroup));
                    }
                }
                default -> other(at, v, IGNORED_IN_SERVICE);
            }
        });
        if (!checks.isEmpty()) {
            service.put("checks", checks);
        }
        return service;
    }

    private Map<String, Object> check(String path, Map<String, Object> raw, boolean inGroup) {
        Map<String, Object> check = new LinkedHashMap<>();
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> putIfSet(check, "name", v);
                case "Type" -> putIfNotNull(check, "type", v);
                case "Command" -> putIfSet(check, "command", v);
                case "Args" -> putIfSet(check, "args", v);
                case "Path" -> putIfSet(check, "path", v);
                case "Protocol" -> putIfSet(check, "protocol", v);
                case "PortLabel" -> putIfSet(check, "port", v);
                case "AddressMode" -> putIfSet(check, "address_mode", v);
                case "Method" -> putIfSet(check, "method", v);
                case "Header" -> putIfSet(check, "header", v);
                case "InitialStatus" -> putIfSet(check, "initial_status", v);
                case "TLSSkipVerify" -> putIfSet(check, "tls_skip_verify", v);
                case "GRPCService" -> putIfSet(check, "grpc_service", v);
                case "GRPCUseTLS" -> putIfSet(check, "grpc_use_tls", v);
                case "Interval" -> putIfNotNull(check, "interval", duration(at, v));
                case "Timeout" -> putIfNotNull(check, "timeout", duration(at, v));
                case "OnUpdate" -> onUpdate(at, v);
                case "CheckRestart" -> putIfNotNull(check, "check_restart", checkRestart(at, v));
                case "TaskName" -> {
                    if (inGroup) {
                        putIfSet(check, "task", v);
                    } else {
                        other(at, v, IGNORED_IN_CHECK);
                    }
                }
                default -> other(at, v, IGNORED_IN_CHECK);
            }
        });
        return check;
    }

    /** A {@code CheckRestart} object in the spec's names; null (as Nomad prints an unset one) is none. */
    private @Nullable Map<String, Object> checkRestart(String path, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        Map<String, Object> restart = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> raw)) {
            problem(path, "must be an object");
            return null;
        }
        cast(raw).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Limit" -> putIfNotNull(restart, "limit", v);
                case "Grace" -> putIfNotNull(restart, "grace", duration(at, v));
                case "IgnoreWarnings" -> putIfNotNull(restart, "ignore_warnings", v);
                default -> other(at, v, Set.of());
            }
        });
        return restart;
    }

    /** How a deployment counts a check: a warning, unless it is the value Nomad prints for an unset one. */
    private void onUpdate(String path, Object value) {
        if (set(value) && !NomadDefaults.isDefaultOnUpdate(value)) {
            ignored(path);
        }
    }

    /** Nanoseconds as the model's duration text ({@code 5s}, {@code 250ms}); anything else is left for the parser. */
    @Nullable
    Object duration(String path, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        BigInteger nanos;
        if (value instanceof BigInteger b) {
            nanos = b;
        } else if (value instanceof Number n && !(value instanceof BigDecimal)) {
            nanos = BigInteger.valueOf(n.longValue());
        } else {
            problem(path, "must be a duration in nanoseconds, got " + describe(value));
            return null;
        }
        if (nanos.signum() < 0) {
            return "-" + durationText(nanos.negate());
        }
        return durationText(nanos);
    }

    private static String durationText(BigInteger nanos) {
        for (String[] unit : new String[][] {{"1000000000", "s"}, {"1000000", "ms"}, {"1000", "us"}}) {
            BigInteger[] qr = nanos.divideAndRemainder(new BigInteger(unit[0]));
            if (qr[1].signum() == 0) {
                return qr[0] + unit[1];
            }
        }
        return nanos + "ns";
    }

    /** A driver's config: a list holding exactly one object is that object, at every depth. */
    private static Map<String, Object> blocks(Map<?, ?> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (v != null) {
                out.put((String) k, block(v));
            }
        });
        return out;
    }

    private static Object block(Object value) {
        if (value instanceof Map<?, ?> map) {
            return blocks(map);
        }
        if (value instanceof List<?> list) {
            if (list.size() == 1 && list.get(0) instanceof Map<?, ?> only) {
                return blocks(only);
            }
            List<Object> out = new ArrayList<>();
            list.forEach(item -> out.add(block(item)));
            return out;
        }
        return number(value);
    }

    /** A whole number as a job file's numbers are ({@code Long}), so both formats give equal configs. */
    static Object number(Object value) {
        return value instanceof BigInteger b && b.bitLength() < 64 ? b.longValue() : value;
    }

    /** Env and meta values as text, as Nomad keeps them. */
    static Object texts(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return value; // the spec parser reports the wrong shape
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v instanceof Number || v instanceof Boolean ? v.toString() : v));
        return out;
    }

    /** A list of objects; an element that is not one is a problem at its index. */
    List<Map<String, Object>> objects(String path, Object value) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof List<?> list)) {
            problem(path, "must be a list of objects");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map) {
                out.add(cast(map));
            } else {
                problem(path + "[" + i + "]", "must be an object");
            }
        }
        return out;
    }

    /** A key the mapper does not map: a warning when set and the scheduler's business, else a problem. */
    void other(String path, Object value, Set<String> ignored) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        if (!set(value)) {
            return; // Nomad prints every field, unset ones as null or their zero value
        }
        if (ignored.contains(key)) {
            ignored(path);
        } else if (UNSUPPORTED.contains(key)) {
            problem(path, "not supported yet");
        } else {
            problem(path, "unknown");
        }
    }

    /** Whether a value is set: not null, "", 0, false or empty. */
    static boolean set(@Nullable Object value) {
        if (value == null || Boolean.FALSE.equals(value) || "".equals(value)) {
            return false;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    static void putIfSet(Map<String, Object> target, String key, @Nullable Object value) {
        if (set(value)) {
            target.put(key, value);
        }
    }

    static void putIfNotNull(Map<String, Object> target, String key, @Nullable Object value) {
        if (value != null) {
            target.put(key, value);
        }
    }

    static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    void ignored(String path) {
        warnings.add(new ValidationProblem(path, NomadJobMapper.IGNORED));
    }

    void problem(String path, String message) {
        problems.add(new ValidationProblem(path, message));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
