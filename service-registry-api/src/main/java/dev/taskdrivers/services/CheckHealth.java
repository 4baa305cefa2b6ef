package dev.taskdrivers.services;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The result of a health check, as Consul names them, plus one for checks a registry cannot run. */
public enum CheckHealth {
    PASSING,
    WARNING,
    CRITICAL,
    /** The registry does not run checks of this type (e.g. grpc in process); it says nothing about the service. */
    NOT_SUPPORTED;

    /** The lower-case name, e.g. {@code passing}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** A spec's {@code initial_status} (passing, warning or critical), empty for anything else. */
    public static Optional<CheckHealth> fromInitialStatus(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "passing" -> Optional.of(PASSING);
            case "warning" -> Optional.of(WARNING);
            case "critical" -> Optional.of(CRITICAL);
            default -> Optional.empty();
        };
    }
}
