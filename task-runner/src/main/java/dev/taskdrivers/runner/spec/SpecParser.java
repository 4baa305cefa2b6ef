package dev.taskdrivers.runner.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.services.AddressMode;
import dev.taskdrivers.runner.services.CheckSpec;
import dev.taskdrivers.runner.services.CheckType;
import dev.taskdrivers.runner.services.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a JSON job spec into a {@link JobSpec}. Every problem (unknown field, wrong type, bad value) is collected
 * with its JSON path, e.g. {@code job.groups[0].tasks[1].resources.memory_mb: must be a whole number, got "x"},
 * and thrown together as one {@link ValidationException}. Driver configuration is checked separately by
 * {@link JobValidator}.
 */
public final class SpecParser {
    private static final Pattern PORT_LABEL = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> INITIAL_STATUSES = Set.of("passing", "warning", "critical");

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** Reads a spec file. */
    public JobSpec parse(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Reads a spec: {@code {"job": {...}}}. */
    public JobSpec parse(String json) {
        Map<String, Object> root;
        try {
            root = mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonParseException e) {
            throw new ValidationException(List.of(new ValidationProblem("job", "not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ValidationException(List.of(new ValidationProblem("job", "not a JSON object: "
                    + e.getMessage().lines().findFirst().orElse(""))));
        }
        if (root == null) {
            throw new ValidationException(List.of(new ValidationProblem("job", "is required")));
        }
        List<ValidationProblem> problems = new ArrayList<>();
        ConfigReader top = new ConfigReader(root, "");
        boolean hasJob = top.has("job");
        Object raw = root.get("job");
        JobSpec job = null;
        if (!hasJob) {
            top.problem("job", "is required");
        } else if (raw instanceof Map<?, ?> map) {
            job = job(cast(map), "job", problems);
        } else {
            top.problem("job", "must be an object");
        }
        problems.addAll(0, top.problems());
        ValidationException.throwIfAny(problems);
        return job;
    }

    /** Reads one task object found at {@code path}; problems go to {@code problems}. */
    public TaskSpec task(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = safeName(r, "name");
        String driver = r.requiredString("driver");
        boolean leader = r.bool("leader", false);
        Map<String, Object> config = r.map("config");
        Map<String, String> env = r.stringMap("env");
        Map<String, String> meta = r.stringMap("meta");
        String user = r.string("user", null);
        int cpu = 0;
        int memory = 0;
        List<PortSpec> ports = List.of();
        if (r.has("resources")) {
            ConfigReader res = r.nested("resources");
            cpu = (int) res.integer("cpu", 100, 1, 1_000_000);
            memory = (int) res.integer("memory_mb", 300, 1, 10_000_000);
            ports = ports(res, path + ".resources", problems);
            r.include(res);
        }
        RestartPolicy restart = r.has("restart") ? restart(r.nested("restart"), r) : null;
        Duration killTimeout = r.duration("kill_timeout", null);
        String killSignal = r.string("kill_signal", null);
        if (killSignal != null && !killSignal.matches("SIG[A-Z0-9]+")) {
            r.problem("kill_signal", "must be a signal name like SIGTERM, got \"" + killSignal + "\"");
        }
        List<ServiceSpec> services = new ArrayList<>();
        List<Map<String, Object>> rawServices = objectList(r, raw, "services", path, problems);
        for (int i = 0; i < rawServices.size(); i++) {
            services.add(service(rawServices.get(i), path + ".services[" + i + "]", problems));
        }
        Set<String> labels = new HashSet<>();
        ports.forEach(p -> labels.add(p.label()));
        checkPortLabels(services, labels, path, problems);
        problems.addAll(r.problems());
        return new TaskSpec(name == null ? "" : name, driver == null ? "" : driver, leader, config, env, meta, user,
                cpu, memory, ports, restart, killTimeout, killSignal, services);
    }

    private JobSpec job(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = safeName(r, "name");
        String typeName = r.string("type", JobType.SERVICE.specName());
        JobType type = JobType.fromSpecName(typeName).orElse(null);
        if (type == null) {
            r.problem("type", "must be \"service\" or \"batch\", got \"" + typeName + "\"");
        }
        String datacenter = r.string("datacenter", "dc1");
        String region = r.string("region", "global");
        Map<String, String> meta = r.stringMap("meta");
        List<Map<String, Object>> rawGroups = objectList(r, raw, "groups", path, problems);
        if (rawGroups.isEmpty() && raw.get("groups") instanceof List) {
            r.problem("groups", "must have at least one group");
        } else if (!raw.containsKey("groups")) {
            r.problem("groups", "is required");
        }
        List<GroupSpec> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rawGroups.size(); i++) {
            String groupPath = path + ".groups[" + i + "]";
            GroupSpec group = group(rawGroups.get(i), groupPath, problems);
            if (!group.name().isEmpty() && !names.add(group.name())) {
                problems.add(new ValidationProblem(groupPath + ".name", "duplicate group name \"" + group.name() + "\""));
            }
            groups.add(group);
        }
        problems.addAll(r.problems());
        return new JobSpec(name == null ? "" : name, type, datacenter, region, meta, groups);
    }

    private GroupSpec group(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = safeName(r, "name");
        int count = (int) r.integer("count", 1, 0, 10_000);
        RestartPolicy restart = r.has("restart") ? restart(r.nested("restart"), r) : null;
        Map<String, String> meta = r.stringMap("meta");
        List<Map<String, Object>> rawTasks = objectList(r, raw, "tasks", path, problems);
        if (!raw.containsKey("tasks")) {
            r.problem("tasks", "is required");
        } else if (rawTasks.isEmpty() && raw.get("tasks") instanceof List) {
            r.problem("tasks", "must have at least one task");
        }
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int leaders = 0;
        for (int i = 0; i < rawTasks.size(); i++) {
            String taskPath = path + ".tasks[" + i + "]";
            TaskSpec task = task(rawTasks.get(i), taskPath, problems);
            if (!task.name().isEmpty() && !names.add(task.name())) {
                problems.add(new ValidationProblem(taskPath + ".name", "duplicate task name \"" + task.name() + "\""));
            }
            if (task.leader() && ++leaders == 2) {
                problems.add(new ValidationProblem(taskPath + ".leader", "only one task of a group can be the leader"));
            }
            tasks.add(task);
        }
        problems.addAll(r.problems());
        return new GroupSpec(name == null ? "" : name, count, restart, meta, tasks);
    }

    private static RestartPolicy restart(ConfigReader r, ConfigReader parent) {
        RestartPolicy d = RestartPolicy.DEFAULT;
        int attempts = (int) r.integer("attempts", d.attempts(), 0, 1_000_000);
        Duration interval = r.duration("interval", d.interval());
        Duration delay = r.duration("delay", d.delay());
        String mode = r.string("mode", "fail");
        Duration jitter = r.duration("jitter", delay.dividedBy(4));
        RestartPolicy.Mode parsedMode = RestartPolicy.Mode.FAIL;
        if ("delay".equals(mode)) {
            parsedMode = RestartPolicy.Mode.DELAY;
        } else if (!"fail".equals(mode)) {
            r.problem("mode", "must be \"delay\" or \"fail\", got \"" + mode + "\"");
        }
        if (interval.isZero() && attempts > 0) {
            r.problem("interval", "must be longer than 0 when attempts is more than 0");
        }
        parent.include(r);
        return new RestartPolicy(attempts, interval, delay, parsedMode, jitter);
    }

    private static List<PortSpec> ports(ConfigReader resources, String path, List<ValidationProblem> problems) {
        Map<String, Object> raw = resources.map("ports");
        List<PortSpec> ports = new ArrayList<>();
        Set<Integer> statics = new HashSet<>();
        raw.forEach((label, value) -> {
            String portPath = path + ".ports." + label;
            if (!PORT_LABEL.matcher(label).matches()) {
                problems.add(new ValidationProblem(portPath, "port label must be 1-64 letters, digits, '_' or '-'"));
                return;
            }
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(new ValidationProblem(portPath, "must be an object: {} for a dynamic port or"
                        + " {\"static\": N}"));
                return;
            }
            ConfigReader p = new ConfigReader(cast(map), portPath);
            int port = (int) p.integer("static", 0, 1, 65535);
            problems.addAll(p.problems());
            if (port != 0 && !statics.add(port)) {
                problems.add(new ValidationProblem(portPath + ".static", "port " + port + " is used twice"));
            }
            ports.add(new PortSpec(label, port));
        });
        return ports;
    }

    private ServiceSpec service(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.requiredString("name");
        List<String> tags = r.stringList("tags");
        String port = r.string("port", null);
        AddressMode mode = addressMode(r, AddressMode.AUTO);
        Map<String, String> meta = r.stringMap("meta");
        List<CheckSpec> checks = new ArrayList<>();
        List<Map<String, Object>> rawChecks = objectList(r, raw, "checks", path, problems);
        for (int i = 0; i < rawChecks.size(); i++) {
            checks.add(check(rawChecks.get(i), name, path + ".checks[" + i + "]", problems));
        }
        problems.addAll(r.problems());
        return new ServiceSpec(name == null ? "" : name, tags, port, mode, meta, checks);
    }

    private static CheckSpec check(Map<String, Object> raw, String serviceName, String path,
            List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.string("name", "service: \"" + serviceName + "\" check");
        String typeName = r.requiredString("type");
        CheckType type = null;
        if (typeName != null && !typeName.isBlank()) {
            try {
                type = CheckType.valueOf(typeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                r.problem("type", "must be http, tcp, grpc or script, got \"" + typeName + "\"");
            }
        }
        String port = r.string("port", null);
        AddressMode mode = addressMode(r, null);
        String protocol = r.string("protocol", "http");
        if (!protocol.equals("http") && !protocol.equals("https")) {
            r.problem("protocol", "must be \"http\" or \"https\", got \"" + protocol + "\"");
        }
        String httpPath = r.string("path", null);
        String method = r.string("method", "GET");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (r.has("header")) {
            ConfigReader h = r.nested("header");
            Object rawHeaders = raw.get("header");
            Set<String> keys = rawHeaders instanceof Map<?, ?> m ? cast(m).keySet() : Set.of();
            for (String key : keys) {
                headers.put(key, h.stringList(key));
            }
            r.include(h);
        }
        boolean tlsSkipVerify = r.bool("tls_skip_verify", false);
        String grpcService = r.string("grpc_service", null);
        boolean grpcUseTls = r.bool("grpc_use_tls", false);
        String command = r.string("command", null);
        List<String> args = r.stringList("args");
        Duration interval = r.duration("interval", null);
        Duration timeout = r.duration("timeout", null);
        String initialStatus = r.string("initial_status", null);
        if (initialStatus != null && !INITIAL_STATUSES.contains(initialStatus)) {
            r.problem("initial_status", "must be passing, warning or critical, got \"" + initialStatus + "\"");
        }
        if (interval == null && !raw.containsKey("interval")) {
            r.problem("interval", "is required");
        } else if (interval != null && interval.isZero()) {
            r.problem("interval", "must be longer than 0");
        }
        if (timeout == null && !raw.containsKey("timeout")) {
            r.problem("timeout", "is required");
        }
        if (type == CheckType.HTTP && (httpPath == null || httpPath.isBlank())) {
            r.problem("path", "is required for an http check");
        }
        if (type == CheckType.SCRIPT && (command == null || command.isBlank())) {
            r.problem("command", "is required for a script check");
        }
        problems.addAll(r.problems());
        List<String> argv = new ArrayList<>();
        if (command != null) {
            argv.add(command);
            argv.addAll(args);
        }
        return new CheckSpec(name, type == null ? CheckType.TCP : type, port, mode, protocol, httpPath, method,
                headers, tlsSkipVerify, grpcService, grpcUseTls, argv,
                interval == null ? Duration.ofSeconds(10) : interval,
                timeout == null ? Duration.ofSeconds(2) : timeout, initialStatus);
    }

    private static void checkPortLabels(List<ServiceSpec> services, Set<String> labels, String path,
            List<ValidationProblem> problems) {
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec s = services.get(i);
            String servicePath = path + ".services[" + i + "]";
            if (s.portLabel() != null && !labels.contains(s.portLabel())) {
                problems.add(new ValidationProblem(servicePath + ".port", "no port labelled \"" + s.portLabel()
                        + "\" in resources.ports (labels: " + labels + ")"));
            }
            for (int j = 0; j < s.checks().size(); j++) {
                CheckSpec c = s.checks().get(j);
                boolean needsPort = c.type() != CheckType.SCRIPT;
                if (c.portLabel() != null && !labels.contains(c.portLabel())) {
                    problems.add(new ValidationProblem(servicePath + ".checks[" + j + "].port", "no port labelled \""
                            + c.portLabel() + "\" in resources.ports (labels: " + labels + ")"));
                } else if (needsPort && c.portLabel() == null && s.portLabel() == null) {
                    problems.add(new ValidationProblem(servicePath + ".checks[" + j + "].port",
                            "is required when the service has no port"));
                }
            }
        }
    }

    private static AddressMode addressMode(ConfigReader r, AddressMode defaultValue) {
        String value = r.string("address_mode", null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return AddressMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            r.problem("address_mode", "must be auto, host or driver, got \"" + value + "\"");
            return defaultValue;
        }
    }

    private static String safeName(ConfigReader r, String key) {
        String name = r.requiredString(key);
        if (name != null && !name.isBlank() && !TaskId.isSafe(name)) {
            r.problem(key, "must be 1-128 letters, digits, '_', '.' or '-' starting with a letter or digit, got \""
                    + name + "\"");
        }
        return name;
    }

    /** A list of objects under {@code key}; wrong shapes are problems with their index. */
    private static List<Map<String, Object>> objectList(ConfigReader r, Map<String, Object> raw, String key,
            String path, List<ValidationProblem> problems) {
        r.has(key);
        Object value = raw.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(new ValidationProblem(path + "." + key, "must be a list of objects"));
            return List.of();
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map) {
                result.add(cast(map));
            } else {
                problems.add(new ValidationProblem(path + "." + key + "[" + i + "]", "must be an object"));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
