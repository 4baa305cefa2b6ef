package dev.taskdrivers.templates;

import java.util.Objects;

/**
 * A key and its value.
 *
 * @param key the whole key, e.g. {@code app/config/port}
 * @param value its value as text
 */
public record KeyValue(String key, String value) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
