package dev.taskdrivers.runner.internal.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskdrivers.templates.CatalogService;
import dev.taskdrivers.templates.KeyValue;
import dev.taskdrivers.templates.NomadServiceRegistration;
import dev.taskdrivers.templates.ServiceHealth;
import dev.taskdrivers.templates.ServiceInstance;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The functions a template may call: Go's built-ins and the consul-template functions Nomad jobs use. A data
 * function whose query has no value yet records it as missing and returns an empty value, so one pass finds every
 * query a template needs.
 */
final class Functions {
    /** Go's built-ins; {@code and} and {@code or} are evaluated lazily by the evaluator. */
    static final Set<String> BUILT_IN = Set.of(
            "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf", "println");

    static final Set<String> CONSUL_TEMPLATE = Set.of(
            "env",
            "key",
            "keyOrDefault",
            "ls",
            "tree",
            "service",
            "services",
            "nomadService",
            "nomadServices",
            "file",
            "timestamp",
            "toLower",
            "toUpper",
            "replaceAll",
            "split",
            "join",
            "trimSpace",
            "parseJSON",
            "toJSON",
            "base64Encode",
            "base64Decode");

    static final Set<String> ALL = union(BUILT_IN, CONSUL_TEMPLATE);

    private static final String NO_VARIABLES =
            "is not supported: Nomad variables live in Nomad's servers, which this runner does not have";

    /** Functions of Nomad's templates this runner does not have, with the reason a parse names. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "nomadVar", NO_VARIABLES,
            "nomadVarList", NO_VARIABLES,
            "nomadVarListSafe", NO_VARIABLES,
            "nomadVarExists", NO_VARIABLES);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final TemplateInputs inputs;
    private final Set<String> missing = new TreeSet<>();
    private final Set<TemplateQuery> used = new java.util.LinkedHashSet<>();

    Functions(TemplateInputs inputs) {
        this.inputs = inputs;
    }

    /** What the render was missing, e.g. {@code kv.block(app/port)}; empty when it is complete. */
    Set<String> missing() {
        return missing;
    }

    /** Every query the render read. */
    Set<TemplateQuery> used() {
        return used;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @Nullable
    Object call(String name, List<@Nullable Object> args, Pos pos) {
        return switch (name) {
            case "not" -> {
                arity(name, args, 1, pos);
                yield !GoValues.truth(args.get(0));
            }
            case "eq" -> {
                atLeast(name, args, 2, pos);
                boolean any = false;
                for (int i = 1; i < args.size(); i++) {
                    any |= GoValues.equal(args.get(0), args.get(i));
                }
                yield any;
            }
            case "ne" -> {
                arity(name, args, 2, pos);
                yield !GoValues.equal(args.get(0), args.get(1));
            }
            case "lt" -> compare(name, args, pos) < 0;
            case "le" -> compare(name, args, pos) <= 0;
            case "gt" -> compare(name, args, pos) > 0;
            case "ge" -> compare(name, args, pos) >= 0;
            case "len" -> {
                arity(name, args, 1, pos);
                yield (long) GoValues.length(args.get(0), pos);
            }
            case "index" -> index(args, pos);
            case "print" -> GoFormat.sprint(args);
            case "println" -> GoFormat.sprintln(args);
            case "printf" -> {
                atLeast(name, args, 1, pos);
                yield GoFormat.sprintf(string(name, args.get(0), pos), args.subList(1, args.size()), pos);
            }
            case "env" -> {
                arity(name, args, 1, pos);
                String v = inputs.env(string(name, args.get(0), pos));
                yield v == null ? "" : v;
            }
            case "key" -> {
                arity(name, args, 1, pos);
                TemplateQuery q = TemplateQuery.key(string(name, args.get(0), pos));
                TemplateQueryResult r = lookup(q);
                if (r != null && r.value() == null) {
                    missing.add(q.describe()); // key blocks until the key exists
                }
                yield r == null || r.value() == null ? "" : r.value();
            }
            case "keyOrDefault" -> {
                arity(name, args, 2, pos);
                TemplateQueryResult r = lookup(TemplateQuery.key(string(name, args.get(0), pos)));
                yield r == null || r.value() == null ? string(name, args.get(1), pos) : r.value();
            }
            case "ls", "tree" -> {
                arity(name, args, 1, pos);
                yield keys(string(name, args.get(0), pos), name.equals("ls"));
            }
            case "service" -> {
                if (args.isEmpty() || args.size() > 2) {
                    throw new TemplateException(
                            pos, "wrong number of args for service: want 1 or 2 got " + args.size());
                }
                yield service(args, pos);
            }
            case "services" -> {
                arity(name, args, 0, pos);
                TemplateQueryResult r = lookup(TemplateQuery.services());
                List<Object> out = new ArrayList<>();
                if (r != null) {
                    r.services().stream()
                            .sorted(java.util.Comparator.comparing(CatalogService::name))
                            .forEach(s -> out.add(Map.of("Name", s.name(), "Tags", s.tags())));
                }
                yield out;
            }
            case "nomadService" -> {
                if (args.size() != 1 && args.size() != 3) {
                    throw new TemplateException(
                            pos, "wrong number of args for nomadService: want 1 or 3 got " + args.size());
                }
                yield nomadService(args, pos);
            }
            case "nomadServices" -> {
                arity(name, args, 0, pos);
                TemplateQueryResult r = lookup(TemplateQuery.nomadServices());
                List<Object> out = new ArrayList<>();
                if (r != null) {
                    r.services().forEach(s -> out.add(Map.of("Name", s.name(), "Tags", s.tags())));
                }
                yield out;
            }
            case "file" -> {
                arity(name, args, 1, pos);
                try {
                    yield inputs.file(string(name, args.get(0), pos));
                } catch (IOException e) {
                    throw new TemplateException(pos, "file: " + e.getMessage());
                }
            }
            case "timestamp" -> {
                if (args.size() > 1) {
                    throw new TemplateException(
                            pos, "wrong number of args for timestamp: want 0 or 1 got " + args.size());
                }
                yield GoTime.format(inputs.now(), args.isEmpty() ? null : string(name, args.get(0), pos));
            }
            case "toLower" -> string(name, one(name, args, pos), pos).toLowerCase(java.util.Locale.ROOT);
            case "toUpper" -> string(name, one(name, args, pos), pos).toUpperCase(java.util.Locale.ROOT);
            case "trimSpace" -> string(name, one(name, args, pos), pos).strip();
            case "replaceAll" -> {
                arity(name, args, 3, pos);
                yield string(name, args.get(2), pos)
                        .replace(string(name, args.get(0), pos), string(name, args.get(1), pos));
            }
            case "split" -> {
                arity(name, args, 2, pos);
                String s = string(name, args.get(1), pos).strip();
                String sep = string(name, args.get(0), pos);
                yield s.isEmpty() ? List.of() : split(s, sep);
            }
            case "join" -> {
                arity(name, args, 2, pos);
                if (!(args.get(1) instanceof Collection<?> c)) {
                    throw new TemplateException(
                            pos, "join: the second argument must be a list, got " + GoValues.typeName(args.get(1)));
                }
                List<String> parts = new ArrayList<>();
                c.forEach(o -> parts.add(GoValues.print(o)));
                yield String.join(string(name, args.get(0), pos), parts);
            }
            case "parseJSON" -> parseJson(string(name, one(name, args, pos), pos), pos);
            case "toJSON" -> {
                try {
                    yield JSON.writeValueAsString(one(name, args, pos));
                } catch (JsonProcessingException e) {
                    throw new TemplateException(pos, "toJSON: " + e.getOriginalMessage());
                }
            }
            case "base64Encode" ->
                Base64.getEncoder()
                        .encodeToString(string(name, one(name, args, pos), pos).getBytes(StandardCharsets.UTF_8));
            case "base64Decode" -> {
                try {
                    yield new String(
                            Base64.getDecoder().decode(string(name, one(name, args, pos), pos)),
                            StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new TemplateException(pos, "base64Decode: " + e.getMessage());
                }
            }
            default -> throw new TemplateException(pos, "function \"" + name + "\" not defined");
        };
    }

    private @Nullable TemplateQueryResult lookup(TemplateQuery q) {
        used.add(q);
        TemplateQueryResult r = inputs.lookup(q);
        if (r == null) {
            missing.add(q.describe());
        }
        return r;
    }

    /** {@code ls} (direct children only) or {@code tree}; each pair's Key is relative to the prefix. */
    private List<Object> keys(String prefix, boolean topOnly) {
        String clean = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        TemplateQueryResult r = lookup(TemplateQuery.keyPrefix(clean));
        List<Object> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        String base = clean.isEmpty() || clean.endsWith("/") ? clean : clean + "/";
        r.keys().stream().sorted(java.util.Comparator.comparing(KeyValue::key)).forEach(kv -> {
            String rel = kv.key().startsWith(base) ? kv.key().substring(base.length()) : kv.key();
            if (rel.isEmpty() || rel.endsWith("/") || (topOnly && rel.contains("/"))) {
                return; // the folder itself and folders are not keys
            }
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("Key", rel);
            pair.put("Path", kv.key());
            pair.put("Value", kv.value());
            out.add(pair);
        });
        return out;
    }

    /**
     * {@code service "[tag.]name[|filter]"}, the filter also accepted as a second argument: {@code any}, or health
     * statuses separated by commas ({@code passing}, the default, {@code warning}, {@code critical},
     * {@code maintenance}).
     */
    private List<Object> service(List<@Nullable Object> args, Pos pos) {
        String argument = string("service", args.get(0), pos);
        String spec = argument;
        int bar = spec.indexOf('|');
        String filter = null;
        if (bar >= 0) {
            filter = spec.substring(bar + 1);
            spec = spec.substring(0, bar);
        }
        if (args.size() == 2) {
            if (filter != null) {
                throw new TemplateException(
                        pos,
                        "service \"" + argument + "\": the health filter is given twice, after '|' and as a"
                                + " second argument");
            }
            filter = string("service", args.get(1), pos);
        }
        Set<String> statuses = Set.of(ServiceHealth.PASSING);
        if (filter != null) {
            try {
                statuses = ServiceHealth.parseFilter(filter);
            } catch (IllegalArgumentException e) {
                throw new TemplateException(pos, "service \"" + argument + "\": " + e.getMessage());
            }
        }
        if (spec.contains("@") || spec.contains("~")) {
            throw new TemplateException(
                    pos, "service \"" + argument + "\": datacenters (@dc) and nearness (~node) are not supported");
        }
        int dot = spec.lastIndexOf('.');
        String tag = dot >= 0 ? spec.substring(0, dot) : null;
        String name = dot >= 0 ? spec.substring(dot + 1) : spec;
        if (name.isEmpty()) {
            throw new TemplateException(pos, "service \"" + argument + "\": no service name");
        }
        TemplateQueryResult r = lookup(TemplateQuery.service(name, tag, statuses));
        List<Object> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        r.instances().stream()
                .sorted(java.util.Comparator.comparing(ServiceInstance::node).thenComparing(ServiceInstance::id))
                .forEach(i -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ID", i.id());
                    m.put("Name", i.name());
                    m.put("Node", i.node());
                    m.put("Address", i.address());
                    m.put("Port", (long) i.port());
                    m.put("Tags", i.tags());
                    m.put("Status", i.status());
                    m.put("ServiceMeta", i.meta());
                    out.add(m);
                });
        return out;
    }

    /**
     * {@code nomadService "[tag.]name"}, or {@code nomadService N "key" "name"}: the N registrations a rendezvous
     * hash of the key ranks first, so each reader with its own key keeps its choice while others come and go.
     */
    private List<Object> nomadService(List<@Nullable Object> args, Pos pos) {
        String argument = string("nomadService", args.get(args.size() - 1), pos);
        if (argument.contains("@")) {
            throw new TemplateException(
                    pos, "nomadService \"" + argument + "\": regions (@region) are not supported on one node");
        }
        int dot = argument.lastIndexOf('.');
        String tag = dot >= 0 ? argument.substring(0, dot) : null;
        String serviceName = dot >= 0 ? argument.substring(dot + 1) : argument;
        if (serviceName.isEmpty()) {
            throw new TemplateException(pos, "nomadService \"" + argument + "\": no service name");
        }
        TemplateQueryResult r = lookup(TemplateQuery.nomadService(serviceName, tag));
        List<NomadServiceRegistration> found = r == null ? List.of() : r.registrations();
        if (args.size() == 3) {
            if (!(args.get(0) instanceof Long count) || count < 1) {
                throw new TemplateException(
                        pos,
                        "nomadService: the count must be a whole number of at least 1, got "
                                + GoValues.typeName(args.get(0)) + " " + GoValues.print(args.get(0)));
            }
            found = RendezvousChoice.first(found, string("nomadService", args.get(1), pos), count);
        }
        List<Object> out = new ArrayList<>();
        for (NomadServiceRegistration s : found) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", s.id());
            m.put("Name", s.serviceName());
            m.put("Namespace", s.namespace());
            m.put("Node", s.nodeId());
            m.put("Datacenter", s.datacenter());
            m.put("JobID", s.jobId());
            m.put("AllocID", s.allocId());
            m.put("Tags", s.tags());
            m.put("Address", s.address());
            m.put("Port", (long) s.port());
            out.add(m);
        }
        return out;
    }

    private static List<Object> split(String s, String sep) {
        List<Object> out = new ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        int from = 0;
        while (true) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                out.add(s.substring(from));
                return out;
            }
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
    }

    private static @Nullable Object parseJson(String text, Pos pos) {
        if (text.isBlank()) {
            return Map.of(); // consul-template: an empty string is an empty object
        }
        try {
            return normalise(JSON.readValue(text, Object.class));
        } catch (IOException e) {
            throw new TemplateException(
                    pos,
                    "parseJSON: "
                            + Objects.requireNonNullElse(e.getMessage(), "")
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
        }
    }

    /** JSON numbers as Go reads them into an interface: float64 (kept as Long when whole, printed alike). */
    private static @Nullable Object normalise(@Nullable Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, @Nullable Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put((String) k, normalise(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<@Nullable Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalise(x)));
            return out;
        }
        return v;
    }

    private static @Nullable Object index(List<@Nullable Object> args, Pos pos) {
        atLeast("index", args, 1, pos);
        Object v = args.get(0);
        for (int i = 1; i < args.size(); i++) {
            Object k = args.get(i);
            if (v instanceof Map<?, ?> m) {
                if (!(k instanceof String)) {
                    throw new TemplateException(
                            pos, "index: a map's key must be a string, got " + GoValues.typeName(k));
                }
                v = m.get(k);
            } else if (v instanceof List<?> l) {
                if (!(k instanceof Long n)) {
                    throw new TemplateException(pos, "index: cannot index slice with " + GoValues.typeName(k));
                }
                if (n < 0 || n >= l.size()) {
                    throw new TemplateException(pos, "index: index out of range: " + n);
                }
                v = l.get(n.intValue());
            } else if (v == null) {
                throw new TemplateException(pos, "index of untyped nil");
            } else {
                throw new TemplateException(pos, "can't index item of type " + GoValues.typeName(v));
            }
        }
        return v;
    }

    private static int compare(String name, List<@Nullable Object> args, Pos pos) {
        arity(name, args, 2, pos);
        return GoValues.compare(args.get(0), args.get(1), pos);
    }

    private static @Nullable Object one(String name, List<@Nullable Object> args, Pos pos) {
        arity(name, args, 1, pos);
        return args.get(0);
    }

    private static String string(String fn, @Nullable Object v, Pos pos) {
        if (v instanceof String s) {
            return s;
        }
        throw new TemplateException(
                pos,
                fn + ": expected a string, got " + GoValues.typeName(v) + (v == null ? "" : " " + GoValues.print(v)));
    }

    private static void arity(String name, List<?> args, int n, Pos pos) {
        if (args.size() != n) {
            throw new TemplateException(
                    pos, "wrong number of args for " + name + ": want " + n + " got " + args.size());
        }
    }

    private static void atLeast(String name, List<?> args, int n, Pos pos) {
        if (args.size() < n) {
            throw new TemplateException(
                    pos, "wrong number of args for " + name + ": want at least " + n + " got " + args.size());
        }
    }
}
