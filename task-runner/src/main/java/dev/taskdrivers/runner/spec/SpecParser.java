package dev.taskdrivers.runner.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.hcl.VariableInput;
import dev.taskdrivers.runner.internal.nomad.NomadJobFile;
import dev.taskdrivers.runner.internal.nomad.SpecFormat;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON job spec, or a Nomad HCL job file mapped onto the same model tree, into a {@link JobSpec}. Every problem (unknown field, wrong type, bad value) is collected
 * with its JSON path, e.g. {@code job.groups[0].tasks[1].resources.memory_mb: must be a whole number, got "x"},
 * and thrown together as one {@link ValidationException}. The parser reads the JSON's shape into the spec builders,
 * then collects what the JSON got wrong and what the builders refuse (names, uniqueness, ranges, ports, services)
 * before it builds anything, so no problem hides another. Drivers and the service registry are checked by
 * {@link JobValidator}.
 */
public final class SpecParser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SpecParser.class);
    private static final long UNSET = Long.MIN_VALUE;
    /** The rotation size in bytes instead of MiB (the Java API's finer size, kept this way in state files). */
    public static final String MAX_FILE_SIZE_BYTES = "max_file_size_bytes";

    /** Data binding, loaded only when JSON text is read: a runner's recovery reads specs already decoded. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .build();
    }

    /** What ConfigReader.duration gives for an absent or broken duration: never a parsed one, never negative. */
    private static final Duration NO_DURATION = Duration.ofNanos(-1);

    /**
     * What {@link #read} found: the builder of a job as complete as the JSON allowed (or none) and the JSON's own
     * problems; what the builder refuses is not among them yet.
     */
    record Reading(JobSpec.@Nullable Builder job, List<ValidationProblem> problems, List<ValidationProblem> warnings) {
        Reading(JobSpec.@Nullable Builder job, List<ValidationProblem> problems) {
            this(job, problems, List.of());
        }
    }

    private final JobVariables variables;

    /** A parser whose job files' variables take their defaults. */
    public SpecParser() {
        this(JobVariables.none());
    }

    private SpecParser(JobVariables variables) {
        this.variables = variables;
    }

    /**
     * A parser that gives a Nomad HCL job file's {@code variable} blocks these values; a JSON spec, which has no
     * variables, is refused when any are given.
     */
    public SpecParser withVariables(JobVariables values) {
        return new SpecParser(Objects.requireNonNull(values, "values"));
    }

    /** Reads a spec file. */
    public JobSpec parse(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Reads a spec: the SDK's JSON, {@code {"job": {...}}}, or a Nomad HCL job file ({@code job "NAME" {...}}),
     * told apart by the first character that is neither blank nor a comment (an opening brace for JSON).
     *
     * @throws ValidationException with every problem of the JSON and of the rules of the model, ordered by path
     */
    public JobSpec parse(String json) {
        Reading reading = read(json);
        reading.warnings().forEach(w -> LOG.warn("job spec: {}", w));
        Problems problems = new Problems().add(reading.problems());
        JobSpec.Builder job = reading.job();
        if (job != null) {
            problems.add(jobProblems(job));
        }
        ValidationException.throwIfAny(problems.sorted());
        return Objects.requireNonNull(job, "a reading without a job has problems")
                .build();
    }

    /** What the job's builder refuses, under {@code job}. */
    static List<ValidationProblem> jobProblems(JobSpec.Builder job) {
        return job.problems().stream().map(p -> p.under("job")).toList();
    }

    /**
     * Reads the JSON's shape into builders: what could not be read is a problem and, in the builders, a default or
     * an empty placeholder (so list indexes stay those of the JSON). The job is {@code null} only when the text is
     * not a JSON object with a {@code job} object.
     */
    Reading read(String text) {
        if (!SpecFormat.isJson(text)) {
            return read(NomadJobFile.read(text, variableInput()));
        }
        if (!variables.isEmpty()) {
            return new Reading(
                    null,
                    List.of(new ValidationProblem(
                            "job",
                            "variable values (-var, -var-file) are for the variable blocks of a Nomad HCL job file;"
                                    + " this spec is JSON")));
        }
        String json = text;
        Map<String, Object> root;
        try {
            root = Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonParseException e) {
            return new Reading(
                    null,
                    List.of(new ValidationProblem(
                            "job",
                            "not valid JSON at line "
                                    + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ": "
                                    + e.getOriginalMessage())));
        } catch (IOException e) {
            return new Reading(
                    null,
                    List.of(new ValidationProblem(
                            "job",
                            "not a JSON object: "
                                    + Objects.requireNonNullElse(e.getMessage(), e.toString())
                                            .lines()
                                            .findFirst()
                                            .orElse(""))));
        }
        if (root == null) {
            return new Reading(null, List.of(new ValidationProblem("job", "is required")));
        }
        if (NomadJobFile.isApiJson(root)) {
            return read(NomadJobFile.readApiJson(root));
        }
        return read(root);
    }

    private VariableInput variableInput() {
        return new VariableInput(
                variables.values(),
                variables.files().stream()
                        .map(f -> new VariableInput.VarFile(f.name(), f.text()))
                        .toList());
    }

    /** Reads a Nomad job mapped onto the model tree: the mapping's problems and warnings, then the model's. */
    private Reading read(NomadJobFile.Mapping mapping) {
        Map<String, Object> tree = mapping.tree();
        if (tree == null) {
            return new Reading(null, mapping.problems(), mapping.warnings());
        }
        Reading reading = read(tree);
        List<ValidationProblem> problems = new ArrayList<>(mapping.problems());
        problems.addAll(reading.problems());
        return new Reading(reading.job(), problems, mapping.warnings());
    }

    /** Reads the model tree of a spec, {@code {"job": {...}}} as maps and lists. */
    private Reading read(Map<String, Object> root) {
        List<ValidationProblem> problems = new ArrayList<>();
        ConfigReader top = new ConfigReader(root, "");
        boolean hasJob = top.has("job");
        Object raw = root.get("job");
        JobSpec.Builder job = null;
        if (!hasJob) {
            top.problem("job", "is required");
        } else if (raw instanceof Map<?, ?> map) {
            job = job(cast(map), "job", problems);
        } else {
            top.problem("job", "must be an object");
        }
        // a key named "" at the top would otherwise be reported under an empty path
        top.problems().stream()
                .map(p -> p.field().isEmpty() ? new ValidationProblem("\"\"", p.problem()) : p)
                .forEach(problems::add);
        return new Reading(job, problems);
    }

    /**
     * Reads one task object found at {@code path}, e.g. a persisted one, and applies the task's own rules (those that
     * need neither its group nor its driver); problems go to {@code problems}. A task with problems is returned with
     * the offending fields at their defaults, so a running task persisted under looser rules can be taken over; it
     * is {@code null} when its name or driver is unusable.
     */
    public @Nullable TaskSpec task(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        List<ValidationProblem> own = new ArrayList<>();
        TaskSpec.Builder task = readTask(raw, path, own);
        List<ValidationProblem> found = task.problems();
        List<ValidationProblem> rules = found.stream().map(p -> p.under(path)).toList();
        problems.addAll(new Problems().add(own).add(rules).sorted());
        TaskSpec.Builder usable = task.withoutBrokenFields(found);
        // checked just now, or by withoutBrokenFields once it put broken fields back at their defaults
        return usable == null ? null : usable.buildChecked();
    }

    /**
     * Reads a group's {@code volumes} object found at {@code path}, e.g. a persisted one; problems, each volume's
     * rules among them, go to {@code problems}, and a volume with problems is left out.
     */
    public Map<String, VolumeSpec> volumes(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        Map<String, VolumeSpec> volumes = new LinkedHashMap<>();
        ConfigReader r = new ConfigReader(Map.of("volumes", raw), path);
        ConfigReader all = r.nested("volumes");
        for (String name : raw.keySet()) {
            ConfigReader v = all.nested(name);
            VolumeSpec.Builder volume = VolumeReader.volume(v);
            List<ValidationProblem> own = new ArrayList<>(v.problems());
            volume.problems().forEach(p -> own.add(p.under(path + ".volumes." + name)));
            if (own.isEmpty()) {
                volumes.put(name, volume.build());
            }
            problems.addAll(own);
        }
        return volumes;
    }

    private TaskSpec.Builder readTask(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.requiredString("name");
        String driver = r.requiredString("driver");
        boolean leader = r.bool("leader", false);
        Map<String, Object> config = new LinkedHashMap<>(r.map("config"));
        config.values().removeIf(Objects::isNull); // a null option reads as an absent one, as drivers read it
        TaskSpec.Builder task = TaskSpec.builder(name == null ? "" : name, driver == null ? "" : driver)
                .leader(leader)
                .config(config)
                .env(r.stringMap("env"))
                .meta(r.stringMap("meta"));
        String user = r.optionalString("user");
        if (user != null) {
            task.user(user);
        }
        if (r.has("resources")) {
            ConfigReader res = r.nested("resources");
            Map<String, Object> rawResources = raw.get("resources") instanceof Map<?, ?> m ? cast(m) : Map.of();
            Integer cpu = resource(res, rawResources, "cpu", JobRules.MAX_CPU);
            if (cpu != null) {
                task.cpu(cpu);
            }
            Integer memory = resource(res, rawResources, "memory_mb", JobRules.MAX_MEMORY_MB);
            if (memory != null) {
                task.memoryMb(memory);
            }
            Integer memoryMax = resource(res, rawResources, "memory_max_mb", JobRules.MAX_MEMORY_MB);
            if (memoryMax != null) {
                task.memoryMaxMb(memoryMax);
            }
            Integer cores = resource(res, rawResources, "cores", JobRules.MAX_CORES);
            if (cores != null) {
                task.cores(cores);
            }
            task.ports(ports(res, path + ".resources", problems));
            r.include(res);
        }
        if (r.has("restart")) {
            task.restart(restart(r.nested("restart"), r));
        }
        task.kill(optionalDuration(r, "kill_timeout"), r.optionalString("kill_signal"));
        task.shutdownDelay(r.duration("shutdown_delay", Duration.ZERO));
        if (r.has("lifecycle")) {
            ConfigReader lifecycle = r.nested("lifecycle"); // reports a value that is not an object
            if (raw.get("lifecycle") instanceof Map<?, ?>) {
                lifecycle(lifecycle, r).ifPresent(task::lifecycle);
            }
        }
        if (r.has("logs")) {
            ConfigReader logs = r.nested("logs");
            task.logs(logs(logs));
            r.include(logs);
        }
        List<Item> rawServices = objectList(raw, "services", path, r, problems);
        for (int i = 0; i < rawServices.size(); i++) {
            Item item = rawServices.get(i);
            task.service(service(item.map(), path + ".services[" + i + "]", item.problemsOr(problems)));
        }
        List<Item> rawTemplates = objectList(raw, "templates", path, r, problems);
        for (int i = 0; i < rawTemplates.size(); i++) {
            Item item = rawTemplates.get(i);
            task.template(TemplateReader.read(item.map(), path + ".templates[" + i + "]", item.problemsOr(problems)));
        }
        List<Item> rawArtifacts = objectList(raw, "artifacts", path, r, problems);
        for (int i = 0; i < rawArtifacts.size(); i++) {
            Item item = rawArtifacts.get(i);
            task.artifact(artifact(item.map(), path + ".artifacts[" + i + "]", item.problemsOr(problems)));
        }
        List<Item> rawMounts = objectList(raw, "volume_mounts", path, r, problems);
        for (int i = 0; i < rawMounts.size(); i++) {
            Item item = rawMounts.get(i);
            task.volumeMount(
                    VolumeReader.mount(item.map(), path + ".volume_mounts[" + i + "]", item.problemsOr(problems)));
        }
        problems.addAll(r.problems());
        return task;
    }

    /**
     * A cpu or memory figure as written, for the builder to check its range; {@code null} when it is absent (the
     * default applies) or cannot be one (reported here).
     */
    private static @Nullable Integer resource(ConfigReader res, Map<String, Object> raw, String key, int max) {
        long value = res.integer(key, UNSET, Long.MIN_VALUE, Long.MAX_VALUE);
        if (value == UNSET && raw.get(key) instanceof BigInteger b && b.equals(BigInteger.valueOf(Long.MIN_VALUE))) {
            value = Long.MIN_VALUE + 1L; // the sentinel itself was written: out of range like any other
        }
        if (value == UNSET) {
            return null; // absent, or not a whole number (reported)
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            res.problem(key, "must be between 1 and " + max + ", got " + raw.get(key));
            return null;
        }
        return (int) value;
    }

    private JobSpec.Builder job(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.requiredString("name");
        String typeName = r.string("type", JobType.SERVICE.specName());
        JobType type = JobType.fromSpecName(typeName).orElse(null);
        if (type == null) {
            r.problem("type", "must be \"service\" or \"batch\", got \"" + typeName + "\"");
        }
        String datacenter = r.string("datacenter", "dc1");
        String region = r.string("region", "global");
        String namespace = r.string("namespace", "default");
        String id = r.optionalString("id");
        String parentId = r.optionalString("parent_id");
        Map<String, String> meta = r.stringMap("meta");
        List<Item> rawGroups = objectList(raw, "groups", path, r, problems);
        if (!raw.containsKey("groups")) {
            r.problem("groups", "is required");
        }
        JobSpec.Builder job = JobSpec.builder(name == null ? "" : name)
                .type(type == null ? JobType.SERVICE : type)
                .datacenter(datacenter)
                .region(region)
                .namespace(namespace)
                .id(id)
                .parentId(parentId)
                .meta(meta);
        for (int i = 0; i < rawGroups.size(); i++) {
            Item item = rawGroups.get(i);
            job.group(group(item.map(), path + ".groups[" + i + "]", item.problemsOr(problems)));
        }
        problems.addAll(r.problems());
        return job;
    }

    private GroupSpec.Builder group(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.requiredString("name");
        GroupSpec.Builder group = GroupSpec.builder(name == null ? "" : name);
        long count = r.integer("count", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        if (count < Integer.MIN_VALUE || count > Integer.MAX_VALUE) {
            r.problem("count", "must be between 0 and " + JobRules.MAX_COUNT + ", got " + count);
        } else {
            group.count((int) count);
        }
        if (r.has("restart")) {
            group.restart(restart(r.nested("restart"), r));
        }
        group.meta(r.stringMap("meta"));
        group.shutdownDelay(r.duration("shutdown_delay", Duration.ZERO));
        optional(optionalDuration(r, "max_run_duration"), group::maxRunDuration);
        group.networkMode(r.string("network_mode", GroupSpec.HOST_NETWORK));
        if (r.has("volumes")) {
            ConfigReader volumes = r.nested("volumes");
            Object rawVolumes = raw.get("volumes");
            Set<String> names = rawVolumes instanceof Map<?, ?> m ? cast(m).keySet() : Set.of();
            for (String volumeName : names) {
                ConfigReader v = volumes.nested(volumeName); // reports a value that is not an object
                group.volume(volumeName, VolumeReader.volume(v));
                volumes.include(v);
            }
            r.include(volumes);
        }
        List<Item> rawTasks = objectList(raw, "tasks", path, r, problems);
        if (!raw.containsKey("tasks")) {
            r.problem("tasks", "is required");
        }
        for (int i = 0; i < rawTasks.size(); i++) {
            Item item = rawTasks.get(i);
            group.task(readTask(item.map(), path + ".tasks[" + i + "]", item.problemsOr(problems)));
        }
        problems.addAll(r.problems());
        return group;
    }

    /** A task's {@code lifecycle}: a known {@code hook} is required, {@code sidecar} is false unless set. */
    private static Optional<TaskLifecycle> lifecycle(ConfigReader r, ConfigReader parent) {
        String hookName = r.requiredString("hook");
        boolean sidecar = r.bool("sidecar", false);
        Optional<TaskLifecycle> result = Optional.empty();
        if (hookName != null) {
            Optional<TaskLifecycle.Hook> hook = TaskLifecycle.Hook.fromSpecName(hookName);
            if (hook.isEmpty()) {
                r.problem("hook", "must be \"prestart\", \"poststart\" or \"poststop\", got \"" + hookName + "\"");
            } else {
                result = Optional.of(TaskLifecycle.of(hook.get(), sidecar));
            }
        }
        parent.include(r);
        return result;
    }

    private static RestartPolicy.Builder restart(ConfigReader r, ConfigReader parent) {
        RestartPolicy d = RestartPolicy.DEFAULT;
        int attempts = (int) r.integer("attempts", d.attempts(), 0, Integer.MAX_VALUE);
        Duration interval = r.duration("interval", d.interval());
        Duration delay = r.duration("delay", d.delay());
        String mode = r.string("mode", "fail");
        Duration jitter = r.duration("jitter", RestartPolicy.quarterOf(delay));
        RestartPolicy.Mode parsedMode = RestartPolicy.Mode.FAIL;
        if ("delay".equals(mode)) {
            parsedMode = RestartPolicy.Mode.DELAY;
        } else if (!"fail".equals(mode)) {
            r.problem("mode", "must be \"delay\" or \"fail\", got \"" + mode + "\"");
        }
        parent.include(r);
        return RestartPolicy.builder()
                .attempts(attempts)
                .interval(interval)
                .delay(delay)
                .mode(parsedMode)
                .jitter(jitter);
    }

    /** {@code logs { max_files, max_file_size }}; a value out of range is a problem and reads as its default. */
    private static LogConfig logs(ConfigReader r) {
        LogConfig.Builder logs = LogConfig.builder();
        logs.maxFiles((int) r.integer("max_files", LogConfig.DEFAULT_MAX_FILES, 1, LogConfig.MAX_FILES_LIMIT));
        logs.maxFileSizeMb((int)
                r.integer("max_file_size", LogConfig.DEFAULT_MAX_FILE_SIZE_MB, 1, LogConfig.MAX_FILE_SIZE_MB_LIMIT));
        if (r.has(MAX_FILE_SIZE_BYTES)) {
            if (r.has("max_file_size")) {
                r.problem(MAX_FILE_SIZE_BYTES, "must not be set together with max_file_size");
            }
            long bytes = r.integer(
                    MAX_FILE_SIZE_BYTES,
                    LogConfig.DEFAULT.maxFileSizeBytes(),
                    1,
                    LogConfig.MAX_FILE_SIZE_MB_LIMIT * (1L << 20));
            logs.maxFileSizeBytes(bytes);
        }
        return logs.build();
    }

    private static List<PortSpec> ports(ConfigReader resources, String path, List<ValidationProblem> problems) {
        Map<String, Object> raw = resources.map("ports");
        List<PortSpec> ports = new ArrayList<>();
        raw.forEach((label, value) -> {
            String portPath = path + ".ports." + label;
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(new ValidationProblem(
                        portPath, "must be an object: {} for a dynamic port or" + " {\"static\": N}"));
                return;
            }
            ConfigReader p = new ConfigReader(cast(map), portPath);
            int port = (int) p.integer("static", 0, 1, 65535);
            boolean group = p.bool("group", false);
            problems.addAll(p.problems());
            List<ValidationProblem> labelProblems = PortSpec.labelProblems(label);
            JobRules.nested(labelProblems, path + ".ports", problems);
            if (labelProblems.isEmpty()) {
                PortSpec spec = port == 0 ? PortSpec.dynamic(label) : PortSpec.fixed(label, port);
                ports.add(group ? spec.inGroupNetwork() : spec);
            }
        });
        return ports;
    }

    private ServiceSpec.Builder service(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.requiredString("name");
        List<String> tags = r.stringList("tags");
        String port = r.optionalString("port");
        AddressMode mode = Objects.requireNonNullElse(addressMode(r), AddressMode.AUTO);
        ServiceSpec.Builder service = ServiceSpec.builder(name == null ? "" : name)
                .tags(tags)
                .addressMode(mode)
                .meta(r.stringMap("meta"));
        if (port != null) {
            service.port(port);
        }
        optional(r.optionalString("address"), service::address);
        optional(provider(r), service::provider);
        Map<String, Object> serviceRestart = r.has("check_restart") ? r.map("check_restart") : Map.of();
        List<Item> rawChecks = objectList(raw, "checks", path, r, problems);
        for (int i = 0; i < rawChecks.size(); i++) {
            Item item = rawChecks.get(i);
            String checkPath = path + ".checks[" + i + "]";
            CheckSpec.Builder check = check(item.map(), checkPath, item.problemsOr(problems));
            CheckRestartReader.read(serviceRestart, item.map(), checkPath, item.problemsOr(problems))
                    .ifPresent(check::checkRestart);
            service.check(check);
        }
        problems.addAll(r.problems());
        return service;
    }

    private static CheckSpec.Builder check(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String name = r.optionalString("name");
        String typeName = r.requiredString("type");
        CheckType type = null;
        if (typeName != null && !typeName.isBlank()) {
            try {
                type = CheckType.valueOf(typeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                r.problem("type", "must be http, tcp, grpc or script, got \"" + typeName + "\"");
            }
        }
        String port = r.optionalString("port");
        AddressMode mode = addressMode(r);
        String protocol = r.string("protocol", "http");
        String httpPath = r.optionalString("path");
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
        String grpcService = r.optionalString("grpc_service");
        boolean grpcUseTls = r.bool("grpc_use_tls", false);
        String command = r.optionalString("command");
        List<String> args = r.stringList("args");
        Duration interval = optionalDuration(r, "interval");
        Duration timeout = optionalDuration(r, "timeout");
        String initialStatus = r.optionalString("initial_status");
        if (r.has("check_restart")) {
            r.map("check_restart"); // read, with the service's, by CheckRestartReader
        }
        if (interval == null && !raw.containsKey("interval")) {
            r.problem("interval", "is required");
        }
        if (timeout == null && !raw.containsKey("timeout")) {
            r.problem("timeout", "is required");
        }
        problems.addAll(r.problems());
        List<String> argv = new ArrayList<>();
        if (command != null) {
            argv.add(command);
            argv.addAll(args);
        }
        CheckSpec.Builder check = CheckSpec.builder(type == null ? CheckType.TCP : type)
                .protocol(protocol)
                .method(method)
                .tlsSkipVerify(tlsSkipVerify)
                .grpcUseTls(grpcUseTls)
                .command(argv);
        headers.forEach(check::header);
        if (interval != null) {
            check.interval(interval);
        }
        if (timeout != null) {
            check.timeout(timeout);
        }
        optional(name, check::name);
        optional(port, check::port);
        optional(mode, check::addressMode);
        optional(httpPath, check::path);
        optional(grpcService, check::grpcService);
        optional(initialStatus, check::initialStatus);
        return check;
    }

    /** An artifact; its own rules (source, destination, options) are the builder's. */
    private static ArtifactSpec.Builder artifact(
            Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String source = r.requiredString("source");
        ArtifactSpec.Builder artifact = ArtifactSpec.builder(source == null ? "" : source)
                .options(r.stringMap("options"))
                .headers(r.stringMap("headers"));
        optional(r.optionalString("destination"), artifact::destination);
        String mode = r.optionalString("mode");
        if (mode != null) {
            ArtifactSpec.Mode.fromSpecName(mode)
                    .ifPresentOrElse(
                            artifact::mode,
                            () -> r.problem("mode", "must be \"any\", \"file\" or \"dir\", got \"" + mode + "\""));
        }
        problems.addAll(r.problems());
        return artifact;
    }

    /** The duration, or null when it is absent or broken (then a problem is recorded): parsed ones are never negative. */
    private static @Nullable Duration optionalDuration(ConfigReader r, String key) {
        Duration value = r.duration(key, NO_DURATION);
        return value.isNegative() ? null : value;
    }

    private static <T> void optional(@Nullable T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The service's provider, or null when it is absent or broken (then a problem is recorded). */
    private static @Nullable ServiceProvider provider(ConfigReader r) {
        String value = r.optionalString("provider");
        if (value == null) {
            return null;
        }
        for (ServiceProvider p : ServiceProvider.values()) {
            if (p.specName().equals(value)) {
                return p;
            }
        }
        r.problem("provider", "must be consul or nomad, got \"" + value + "\"");
        return null;
    }

    /** The address mode, or null when it is absent or broken (then a problem is recorded). */
    private static @Nullable AddressMode addressMode(ConfigReader r) {
        String value = r.optionalString("address_mode");
        if (value == null) {
            return null;
        }
        try {
            return AddressMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            r.problem("address_mode", "must be auto, host, driver or alloc, got \"" + value + "\"");
            return null;
        }
    }

    /**
     * One element of a list of objects. An element that is not an object is read as an empty one, into a scratch
     * list of problems, so the model keeps the JSON's indexes while only "must be an object" is reported for it.
     */
    private record Item(Map<String, Object> map, boolean isObject) {
        List<ValidationProblem> problemsOr(List<ValidationProblem> problems) {
            return isObject ? problems : new ArrayList<>();
        }
    }

    /** The list of objects under {@code key}; wrong shapes are problems with their index. */
    private static List<Item> objectList(
            Map<String, Object> raw, String key, String path, ConfigReader r, List<ValidationProblem> problems) {
        r.has(key);
        Object value = raw.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(new ValidationProblem(path + "." + key, "must be a list of objects"));
            return List.of();
        }
        List<Item> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map) {
                result.add(new Item(cast(map), true));
            } else {
                problems.add(new ValidationProblem(path + "." + key + "[" + i + "]", "must be an object"));
                result.add(new Item(Map.of(), false));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
