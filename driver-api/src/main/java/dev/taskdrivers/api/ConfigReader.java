package dev.taskdrivers.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON-like configuration map with type checks, collecting every problem instead of stopping at the first.
 * Keys that were never read are reported by {@link #problems()} as unknown, so typos do not pass silently.
 *
 * <pre>{@code
 * ConfigReader r = new ConfigReader(task.driverConfig(), "config");
 * String image = r.requiredString("image");
 * List<String> args = r.stringList("args");
 * List<ValidationProblem> problems = r.problems();
 * }</pre>
 */
public final class ConfigReader {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

    private final Map<String, Object> values;
    private final String path;
    private final Set<String> read = new LinkedHashSet<>();
    private final List<ValidationProblem> problems = new ArrayList<>();

    /**
     * @param values the map to read
     * @param path the path of the map in problems, e.g. {@code config}; empty for the root
     */
    public ConfigReader(Map<String, ?> values, String path) {
        this.values = new LinkedHashMap<>(values);
        this.path = path;
    }

    /** Every problem so far, plus one per key that no getter asked for. */
    public List<ValidationProblem> problems() {
        List<ValidationProblem> all = new ArrayList<>(problems);
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                all.add(new ValidationProblem(field(key), "unknown option"));
            }
        }
        return all;
    }

    /** Adds a problem found by the caller, e.g. a cross-field check. */
    public void problem(String key, String problem) {
        problems.add(new ValidationProblem(field(key), problem));
    }

    /** Throws a {@link ValidationException} when there are problems. */
    public void throwIfInvalid() {
        ValidationException.throwIfAny(problems());
    }

    public boolean has(String key) {
        read.add(key);
        return values.get(key) != null;
    }

    /** The value, or {@code null} when it is missing or not a string (then a problem is recorded). */
    public @Nullable String requiredString(String key) {
        String value = optionalString(key);
        if (value == null && !values.containsKey(key)) {
            problem(key, "is required");
        } else if (value != null && value.isBlank()) {
            problem(key, "must not be empty");
        }
        return value;
    }

    /** The value, or {@code defaultValue} when it is missing or not a string (then a problem is recorded). */
    public String string(String key, String defaultValue) {
        String value = optionalString(key);
        return value == null ? defaultValue : value;
    }

    /** The value, or {@code null} when it is missing or not a string (then a problem is recorded). */
    public @Nullable String optionalString(String key) {
        Object value = take(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        problem(key, "must be a string, got " + describe(value));
        return null;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object value = take(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problem(key, "must be true or false, got " + describe(value));
        return defaultValue;
    }

    public long integer(String key, long defaultValue, long min, long max) {
        Object value = take(key);
        if (value == null) {
            return defaultValue;
        }
        Optional<Long> number = asLong(value);
        if (number.isEmpty()) {
            problem(key, "must be a whole number, got " + describe(value));
            return defaultValue;
        }
        if (number.get() < min || number.get() > max) {
            problem(key, "must be between " + min + " and " + max + ", got " + number.get());
            return defaultValue;
        }
        return number.get();
    }

    /** The longest duration a spec may give: what a signed 64-bit count of nanoseconds holds, as in Go. */
    private static final Duration LONGEST_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    /** A Go-style duration such as {@code 30s}, {@code 1m30s} or {@code 500ms}, or a number of seconds. */
    public Duration duration(String key, Duration defaultValue) {
        Duration value = optionalDuration(key);
        return value == null ? defaultValue : value;
    }

    /**
     * A duration as {@link #duration} reads it, or {@code null} when it is missing or not a duration (then a problem
     * is recorded).
     */
    public @Nullable Duration optionalDuration(String key) {
        Object value = take(key);
        if (value == null) {
            return null;
        }
        Optional<Duration> parsed =
                value instanceof String s ? parseDuration(s) : asLong(value).map(Duration::ofSeconds);
        if (parsed.isEmpty() || parsed.get().isNegative()) {
            problem(key, "must be a duration like \"30s\" or \"1m30s\", got " + describe(value));
            return null;
        }
        if (parsed.get().compareTo(LONGEST_DURATION) > 0) {
            problem(
                    key,
                    "must be at most " + LONGEST_DURATION.toHours() + "h (the longest duration in nanoseconds), got "
                            + describe(value));
            return null;
        }
        return parsed.get();
    }

    public List<String> stringList(String key) {
        Object value = take(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problem(key, "must be a list of strings, got " + describe(value));
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof String s) {
                result.add(s);
            } else {
                problems.add(
                        new ValidationProblem(field(key) + "[" + i + "]", "must be a string, got " + describe(item)));
            }
        }
        return result;
    }

    public Map<String, String> stringMap(String key) {
        Map<String, Object> map = map(key);
        Map<String, String> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v instanceof String s) {
                result.put(k, s);
            } else {
                problems.add(new ValidationProblem(field(key) + "." + k, "must be a string, got " + describe(v)));
            }
        });
        return result;
    }

    /** A map of label to port number (1-65535), e.g. {@code port_map}. */
    public Map<String, Integer> portMap(String key) {
        Map<String, Object> map = map(key);
        Map<String, Integer> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            Optional<Long> port = asLong(v);
            if (port.isEmpty() || port.get() < 1 || port.get() > 65535) {
                problems.add(new ValidationProblem(
                        field(key) + "." + k, "must be a port number 1-65535, got " + describe(v)));
            } else {
                result.put(k, port.get().intValue());
            }
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
        Object value = take(key);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        problem(key, "must be an object, got " + describe(value));
        return Map.of();
    }

    /** A reader for a nested object, whose problems carry the nested path. Collect them with {@link #include}. */
    public ConfigReader nested(String key) {
        return new ConfigReader(map(key), field(key));
    }

    /** Adds a nested reader's problems to this one's. */
    public void include(ConfigReader nestedReader) {
        problems.addAll(nestedReader.problems());
    }

    /**
     * {@code <digits>ms}, the shape the runner writes durations in: read without a regex, since a runner taking
     * thousands of tasks over reads several per task. Empty for any other shape.
     */
    private static Optional<Duration> wholeMillis(String s) {
        int digits = s.length() - 2;
        if (digits < 1 || digits > 15 || !s.endsWith("ms")) {
            return Optional.empty();
        }
        long value = 0;
        for (int i = 0; i < digits; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            value = value * 10 + (c - '0');
        }
        return Optional.of(Duration.ofMillis(value));
    }

    /** Parses a Go-style duration ({@code 1h2m3s}, {@code 250ms}); empty when it is not one. */
    public static Optional<Duration> parseDuration(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Optional<Duration> millis = wholeMillis(s);
        if (millis.isPresent()) {
            return millis;
        }
        Matcher m = DURATION_PART.matcher(s);
        int end = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            nanos += n
                    * switch (m.group(2)) {
                        case "ns" -> 1d;
                        case "us" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        default -> 3600e9;
                    };
        }
        if (end != s.length()) {
            return Optional.empty();
        }
        // beyond what nanoseconds in a long hold, keep the size so that callers can tell it is too long
        return Optional.of(
                nanos >= Long.MAX_VALUE ? Duration.ofSeconds((long) (nanos / 1e9)) : Duration.ofNanos((long) nanos));
    }

    private @Nullable Object take(String key) {
        read.add(key);
        return values.get(key);
    }

    private String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Optional<Long> asLong(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(((Number) value).longValue());
        }
        if (value instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return Optional.of(b.longValue());
        }
        return Optional.empty();
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
