package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Masks secret values in configuration maps before they reach a log line, an event or a {@code toString()}. */
public final class Redaction {
    /** What a secret is replaced by. */
    public static final String MASK = "<redacted>";

    private static final List<String> SECRET_WORDS =
            List.of("password", "passwd", "secret", "token", "auth", "credential", "private_key", "apikey", "api_key");

    private Redaction() {}

    /** Whether a key names a secret, by the words it contains (case-insensitive). */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /** A copy of {@code map} with secret values masked, recursively. */
    public static Map<String, Object> redact(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, redactValue(key, value)));
        return copy;
    }

    private static Object redactValue(String key, Object value) {
        if (isSecretKey(key) && value != null) {
            return MASK;
        }
        if (value instanceof Map<?, ?> nested) {
            Map<String, Object> copy = new LinkedHashMap<>();
            nested.forEach((k, v) -> copy.put(String.valueOf(k), redactValue(String.valueOf(k), v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> redactValue("", v)).toList();
        }
        return value;
    }
}
