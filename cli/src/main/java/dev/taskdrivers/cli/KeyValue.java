package dev.taskdrivers.cli;

import java.util.Optional;

/** An option value written {@code NAME=VALUE}: the name before the first {@code =}, stripped, the rest as it is. */
record KeyValue(String key, String value) {

    /** The value split at its first {@code =}; empty when there is none or nothing before it. */
    static Optional<KeyValue> parse(String text) {
        int eq = text.indexOf('=');
        return eq <= 0
                ? Optional.empty()
                : Optional.of(new KeyValue(text.substring(0, eq).strip(), text.substring(eq + 1)));
    }
}
