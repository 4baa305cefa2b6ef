package dev.taskdrivers.exec.internal.isolated;

import java.util.Locale;
import java.util.Optional;

/** Whether a task gets its own pid or ipc namespace or shares the host's. */
public enum NamespaceMode {
    /** Its own namespace (the default). */
    PRIVATE,
    /** The host's namespace. */
    HOST;

    /** The mode named {@code private} or {@code host}; empty for anything else. */
    public static Optional<NamespaceMode> parse(String text) {
        for (NamespaceMode mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
