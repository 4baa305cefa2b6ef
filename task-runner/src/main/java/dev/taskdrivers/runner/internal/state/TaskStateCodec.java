package dev.taskdrivers.runner.internal.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The task state file format, in one place: a JSON object whose {@code format} field is its version, written and read
 * here. A file of an older format is read through the {@link StateMigration} steps from its version to
 * {@link #FORMAT}; a file without {@code format} is of format 1. Writing uses Jackson's streaming API, reading the
 * small {@link StateJsonReader}, no data binding: a runner that reattaches thousands of tasks reads them in a JVM that
 * is still cold.
 *
 * <p>Formats: 1, every file written until the task state had one codec (most carry {@code "format": 1}; those
 * written before jobs had a type lack {@code jobType}, and those tasks ran to completion like batch ones). 2, the
 * same fields, {@code jobType} required. 3, tasks may carry a {@code lifecycle} and a {@code shutdown_delay} in their
 * spec and the lifecycle's event types ({@code WAITING}, {@code MAIN_TASKS_DEAD}, {@code WAITING_FOR_SHUTDOWN_DELAY}),
 * which a runner of format 2 would misread (it would start a prestart task's main tasks at once), and
 * {@code groupShutdownDelayMs} is the group's shutdown delay (0 in files of format 2). 4, {@code jobIdentity} may
 * hold the job's namespace, ID and parent ID (absent: the defaults), and a task's resources may carry
 * {@code memory_max_mb} and {@code cores}, which a runner of format 3 would drop or refuse. 5, {@code runDeadline}
 * may hold the group's {@code max_run_duration} ({@code maxRunMs}), the allocation's deadline in epoch millis
 * ({@code deadlineMs}) and whether it was reached ({@code expired}), which a runner of format 4 would drop (it would
 * let the allocation run past its deadline); files of format 4 have none. 6, {@code groupNetwork} holds the group's
 * network {@code mode} ({@code host} or {@code bridge}) and, in bridge mode, the {@code driver} that creates the
 * network, its {@code id} and {@code taskOptions} once created and whether it was {@code destroyed}; a runner of
 * format 5 would not know the allocation is in bridge mode. Files of format 5 have none: the mode is then unknown, and
 * the runner asks every driver that could hold a network. 7, {@code groupVolumes} may hold the group's volumes in the
 * spec's JSON shape and the task spec its {@code volume_mounts}, which a runner of format 6 would drop (it would start
 * the task again without its volumes); files of format 6 have none.
 */
public final class TaskStateCodec {
    /** The format this runner writes. */
    public static final int FORMAT = 7;

    /** Every step from format 1 to {@link #FORMAT}, in order. */
    static final List<StateMigration> MIGRATIONS = List.of(
            new StateMigration(
                    1, 2, "jobType is required; files without it ran to completion like batch jobs", tree -> {
                        if (tree.get("jobType") == null) {
                            tree.put("jobType", "batch");
                        }
                        return tree;
                    }),
            new StateMigration(2, 3, "groups have a shutdown delay; tasks written before had none", tree -> {
                tree.putIfAbsent("groupShutdownDelayMs", 0);
                return tree;
            }),
            new StateMigration(
                    3, 4, "jobs may have an identity and tasks memory_max and cores; older had none", tree -> tree),
            new StateMigration(4, 5, "groups may have a max_run_duration; older had none", tree -> tree),
            new StateMigration(
                    5,
                    6,
                    "tasks record their group's network mode; older files did not (the mode is unknown)",
                    tree -> tree),
            new StateMigration(6, 7, "groups may have volumes and tasks volume_mounts; older had none", tree -> tree));

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final TaskStateCodec STANDARD = new TaskStateCodec(FORMAT, MIGRATIONS);

    private final int format;
    private final Map<Integer, StateMigration> migrations = new HashMap<>();

    /** A codec writing {@code format} and reading every format from 1 up to it through {@code migrations}. */
    TaskStateCodec(int format, List<StateMigration> migrations) {
        this.format = format;
        for (StateMigration m : migrations) {
            if (this.migrations.put(m.from(), m) != null) {
                throw new IllegalArgumentException("two migrations from format " + m.from());
            }
        }
        for (int v = 1; v < format; v++) {
            if (!this.migrations.containsKey(v)) {
                throw new IllegalArgumentException("no migration from format " + v + " to " + (v + 1));
            }
        }
    }

    /** The codec of this runner's format. */
    public static TaskStateCodec standard() {
        return STANDARD;
    }

    /** The format this codec writes. */
    public int format() {
        return format;
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    /** The file content of {@code task}, in this codec's format whatever {@link PersistedTask#format()} says. */
    public byte[] encode(PersistedTask task) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", format);
            g.writeStringField("allocId", task.allocId());
            g.writeStringField("jobName", task.jobName());
            g.writeStringField("jobType", task.jobType());
            g.writeStringField("groupName", task.groupName());
            g.writeNumberField("allocIndex", task.allocIndex());
            g.writeStringField("datacenter", task.datacenter());
            g.writeStringField("region", task.region());
            field(g, "jobMeta", task.jobMeta());
            field(g, "groupMeta", task.groupMeta());
            field(g, "task", task.task());
            g.writeFieldName("ports");
            if (task.ports() == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (PersistedTask.PortRecord p : task.ports()) {
                    g.writeStartObject();
                    g.writeStringField("label", p.label());
                    g.writeNumberField("value", p.value());
                    g.writeStringField("hostIp", p.hostIp());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            field(g, "portMap", task.portMap());
            field(g, "envOverrides", task.envOverrides());
            g.writeStringField("status", task.status());
            g.writeFieldName("handle");
            if (task.handle() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeStringField("driver", task.handle().driver());
                g.writeNumberField("version", task.handle().version());
                field(g, "data", task.handle().data());
                g.writeEndObject();
            }
            field(g, "created", task.created());
            g.writeFieldName("network");
            if (task.network() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeStringField("ip", task.network().ip());
                field(g, "portMap", task.network().portMap());
                g.writeBooleanField("autoAdvertise", task.network().autoAdvertise());
                g.writeEndObject();
            }
            g.writeNumberField("restartCount", task.restartCount());
            g.writeNumberField("restartWindowStart", task.restartWindowStart());
            g.writeNumberField("restartWindowCount", task.restartWindowCount());
            g.writeFieldName("lastExit");
            if (task.lastExit() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeNumberField("exitCode", task.lastExit().exitCode());
                g.writeNumberField("signal", task.lastExit().signal());
                g.writeBooleanField("oomKilled", task.lastExit().oomKilled());
                g.writeStringField("error", task.lastExit().error());
                g.writeEndObject();
            }
            g.writeBooleanField("failed", task.failed());
            g.writeBooleanField("cleanedUp", task.cleanedUp());
            g.writeFieldName("events");
            if (task.events() == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (PersistedTask.EventRecord e : task.events()) {
                    g.writeStartObject();
                    g.writeStringField("type", e.type());
                    g.writeNumberField("time", e.time());
                    g.writeStringField("message", e.message());
                    field(g, "details", e.details());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeStringField("jobDigest", task.jobDigest());
            g.writeNumberField("groupShutdownDelayMs", task.groupShutdownDelayMillis());
            if (task.jobIdentity() != null) {
                g.writeObjectFieldStart("jobIdentity");
                g.writeStringField("namespace", task.jobIdentity().namespace());
                g.writeStringField("id", task.jobIdentity().id());
                g.writeStringField("parentId", task.jobIdentity().parentId());
                g.writeEndObject();
            }
            if (task.runDeadline() != null) {
                g.writeObjectFieldStart("runDeadline");
                g.writeNumberField("maxRunMs", task.runDeadline().maxRunMillis());
                g.writeNumberField("deadlineMs", task.runDeadline().deadlineMillis());
                g.writeBooleanField("expired", task.runDeadline().expired());
                g.writeEndObject();
            }
            if (task.groupVolumes() != null && !task.groupVolumes().isEmpty()) {
                field(g, "groupVolumes", task.groupVolumes()); // only when set: files without volumes stay as they were
            }
            if (task.groupNetwork() != null) {
                PersistedTask.GroupNetworkRecord n = task.groupNetwork();
                g.writeObjectFieldStart("groupNetwork");
                g.writeStringField("mode", n.mode());
                if (n.driver() != null) {
                    g.writeStringField("driver", n.driver());
                }
                if (n.id() != null) {
                    g.writeStringField("id", n.id());
                    field(g, "taskOptions", n.taskOptions());
                }
                if (n.destroyed()) {
                    g.writeBooleanField("destroyed", true);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) { // a byte array cannot fail; a value of a type JSON has no form for can
            throw new UncheckedIOException(
                    "cannot write the state of task " + task.task().get("name") + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void field(JsonGenerator g, String name, Object value) throws IOException {
        g.writeFieldName(name);
        write(g, value);
    }

    /** A JSON-like value: maps, collections, strings, numbers, booleans, enums; anything else as Jackson maps it. */
    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (value instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            Fallback.MAPPER.writeValue(g, value); // e.g. a bean in a config built in code
        }
    }

    /** Data binding, loaded only for a config value that is not plain JSON. */
    private static final class Fallback {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    /**
     * Reads a state file's content, migrating it from its format to this codec's.
     *
     * @throws UnreadableStateException saying what is wrong: not JSON, a format this runner does not read, a required
     *         field missing, a field of the wrong type
     */
    public PersistedTask decode(byte[] content) throws UnreadableStateException {
        return decode(content, null);
    }

    /**
     * Reads a state file as {@link #decode(byte[])} does, its task spec shared through {@code interner} with the
     * other files that hold the same text for it (the spec map is then unmodifiable).
     */
    public PersistedTask decode(byte[] content, @Nullable TaskSpecInterner interner) throws UnreadableStateException {
        if (content.length == 0) {
            throw new UnreadableStateException("the file is empty");
        }
        Object read;
        try {
            read = StateJsonReader.read(content, interner);
        } catch (StateJsonReader.MalformedJsonException e) {
            throw new UnreadableStateException("not a valid state file (truncated or corrupt): " + e.getMessage());
        }
        if (!(read instanceof Map<?, ?> object)) {
            throw new UnreadableStateException("not a valid state file (truncated or corrupt): not a JSON object");
        }
        @SuppressWarnings("unchecked") // a JSON object's keys are strings
        Map<String, Object> tree = (Map<String, Object>) object;
        return bind(migrate(tree));
    }

    /** The tree of a file of any format this codec reads, as it is in this codec's format. */
    Map<String, Object> migrate(Map<String, Object> tree) throws UnreadableStateException {
        Object version = tree.getOrDefault("format", 1);
        if (!(version instanceof Integer v) || v < 1) {
            throw new UnreadableStateException(
                    "unsupported format " + version + " (this runner reads formats 1 to " + format + ")");
        }
        if (v > format) {
            throw new UnreadableStateException("unsupported format " + v + ", written by a newer runner (this runner"
                    + " reads formats 1 to " + format + ")");
        }
        Map<String, Object> migrated = tree;
        for (int from = v; from < format; from++) {
            StateMigration step = migrations.get(from);
            if (step == null) { // every format below this runner's has its step: a gap is this code's bug
                throw new IllegalStateException("no migration from state format " + from);
            }
            try {
                migrated = step.apply().apply(migrated);
            } catch (RuntimeException e) {
                throw new UnreadableStateException("cannot migrate format " + from + " to " + step.to() + " ("
                        + step.change() + "): " + e.getMessage());
            }
            migrated.put("format", step.to());
        }
        return migrated;
    }

    private static PersistedTask bind(Map<String, Object> m) throws UnreadableStateException {
        Fields f = new Fields(m, "");
        PersistedTask task = PersistedTask.builder()
                .format(f.integer("format"))
                .allocId(f.string("allocId"))
                .jobName(f.string("jobName"))
                .jobType(f.string("jobType"))
                .groupName(f.string("groupName"))
                .allocIndex(f.integer("allocIndex"))
                .datacenter(f.string("datacenter"))
                .region(f.string("region"))
                .jobMeta(f.stringMap("jobMeta"))
                .groupMeta(f.stringMap("groupMeta"))
                .task(f.object("task"))
                .ports(f.list(
                        "ports",
                        r -> new PersistedTask.PortRecord(
                                r.required("label"), r.integer("value"), r.required("hostIp"))))
                .portMap(f.intMap("portMap"))
                .envOverrides(f.stringMap("envOverrides"))
                .status(f.string("status"))
                .handle(f.record(
                        "handle",
                        r -> new PersistedTask.HandleRecord(
                                r.required("driver"), r.integer("version"), r.stringMapOrEmpty("data"))))
                .created(f.stringListMap("created"))
                .network(f.record(
                        "network",
                        r -> new PersistedTask.NetworkRecord(
                                r.required("ip"), r.intMapOrEmpty("portMap"), r.bool("autoAdvertise"))))
                .restartCount(f.integer("restartCount"))
                .restartWindowStart(f.longValue("restartWindowStart"))
                .restartWindowCount(f.integer("restartWindowCount"))
                .lastExit(f.record(
                        "lastExit",
                        r -> new PersistedTask.ExitRecord(
                                r.integer("exitCode"), r.integer("signal"), r.bool("oomKilled"), r.string("error"))))
                .failed(f.bool("failed"))
                .cleanedUp(f.bool("cleanedUp"))
                .events(f.list(
                        "events",
                        r -> new PersistedTask.EventRecord(
                                r.required("type"),
                                r.longValue("time"),
                                r.required("message"),
                                r.stringMapOrEmpty("details"))))
                .jobDigest(f.string("jobDigest"))
                .groupShutdownDelayMillis(f.longValue("groupShutdownDelayMs"))
                .jobIdentity(f.record(
                        "jobIdentity",
                        r -> new PersistedTask.JobIdentity(
                                r.required("namespace"), r.required("id"), r.string("parentId"))))
                .runDeadline(f.record(
                        "runDeadline",
                        r -> new PersistedTask.RunDeadline(
                                r.longValue("maxRunMs"), r.longValue("deadlineMs"), r.bool("expired"))))
                .groupNetwork(f.record(
                        "groupNetwork",
                        r -> new PersistedTask.GroupNetworkRecord(
                                r.required("mode"),
                                r.string("driver"),
                                r.string("id"),
                                r.objectOrEmpty("taskOptions"),
                                r.bool("destroyed"))))
                .groupVolumes(f.object("groupVolumes"))
                .build();
        if (task.allocId() == null
                || task.task() == null
                || task.status() == null
                || task.jobName() == null
                || task.jobType() == null
                || task.groupName() == null) {
            throw new UnreadableStateException(
                    "required fields (allocId, task, status, jobName, jobType, groupName)" + " are missing");
        }
        if (!(task.task().get("name") instanceof String)) {
            throw new UnreadableStateException("task.name is missing or not a string");
        }
        return task;
    }

    /** Typed reads of one object's fields; a value of the wrong type is an error naming its path. */
    private record Fields(Map<String, Object> map, String path) {
        interface Reader<T> {
            T read(Fields fields) throws UnreadableStateException;
        }

        private UnreadableStateException wrong(String key, String what) {
            return new UnreadableStateException(path + key + " must be " + what + ", got " + map.get(key));
        }

        @Nullable
        String string(String key) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null || v instanceof String) {
                return (String) v;
            }
            throw wrong(key, "a string");
        }

        int integer(String key) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null) {
                return 0;
            }
            if (v instanceof Integer i) {
                return i;
            }
            throw wrong(key, "a whole number");
        }

        long longValue(String key) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null) {
                return 0;
            }
            if (v instanceof Integer || v instanceof Long) {
                return ((Number) v).longValue();
            }
            throw wrong(key, "a whole number");
        }

        boolean bool(String key) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrong(key, "true or false");
        }

        @SuppressWarnings("unchecked")
        @Nullable
        Map<String, Object> object(String key) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null || v instanceof Map) {
                return (Map<String, Object>) v;
            }
            throw wrong(key, "an object");
        }

        Map<String, Object> objectOrEmpty(String key) throws UnreadableStateException {
            Map<String, Object> v = object(key);
            return v == null ? Map.of() : v;
        }

        /** A string that must be there: a state without it is unreadable, not one with a null inside. */
        String required(String key) throws UnreadableStateException {
            String v = string(key);
            if (v == null) {
                throw new UnreadableStateException(path + key + " is missing");
            }
            return v;
        }

        Map<String, String> stringMapOrEmpty(String key) throws UnreadableStateException {
            Map<String, String> v = stringMap(key);
            return v == null ? Map.of() : v;
        }

        Map<String, Integer> intMapOrEmpty(String key) throws UnreadableStateException {
            Map<String, Integer> v = intMap(key);
            return v == null ? Map.of() : v;
        }

        @Nullable
        Map<String, String> stringMap(String key) throws UnreadableStateException {
            Map<String, Object> raw = object(key);
            if (raw == null) {
                return null;
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                if (e.getValue() != null && !(e.getValue() instanceof String)) {
                    throw new UnreadableStateException(
                            path + key + "." + e.getKey() + " must be a string, got " + e.getValue());
                }
                result.put(e.getKey(), (String) e.getValue());
            }
            return result;
        }

        @Nullable
        Map<String, Integer> intMap(String key) throws UnreadableStateException {
            Map<String, Object> raw = object(key);
            if (raw == null) {
                return null;
            }
            Map<String, Integer> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                if (!(e.getValue() instanceof Integer i)) {
                    throw new UnreadableStateException(
                            path + key + "." + e.getKey() + " must be a whole number, got " + e.getValue());
                }
                result.put(e.getKey(), i);
            }
            return result;
        }

        private static boolean allStrings(List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String)) {
                    return false;
                }
            }
            return true;
        }

        @Nullable
        Map<String, List<String>> stringListMap(String key) throws UnreadableStateException {
            Map<String, Object> raw = object(key);
            if (raw == null) {
                return null;
            }
            Map<String, List<String>> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                if (!(e.getValue() instanceof List<?> list) || !allStrings(list)) {
                    throw new UnreadableStateException(
                            path + key + "." + e.getKey() + " must be a list of strings," + " got " + e.getValue());
                }
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) list;
                result.put(e.getKey(), strings);
            }
            return result;
        }

        <T> @Nullable T record(String key, Reader<T> reader) throws UnreadableStateException {
            Map<String, Object> raw = object(key);
            return raw == null ? null : reader.read(new Fields(raw, path + key + "."));
        }

        <T> @Nullable List<T> list(String key, Reader<T> reader) throws UnreadableStateException {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> raw)) {
                throw wrong(key, "a list");
            }
            List<T> result = new ArrayList<>(raw.size());
            for (int i = 0; i < raw.size(); i++) {
                if (!(raw.get(i) instanceof Map<?, ?> item)) {
                    throw new UnreadableStateException(path + key + "[" + i + "] must be an object, got " + raw.get(i));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) item;
                result.add(reader.read(new Fields(fields, path + key + "[" + i + "].")));
            }
            return result;
        }
    }
}
