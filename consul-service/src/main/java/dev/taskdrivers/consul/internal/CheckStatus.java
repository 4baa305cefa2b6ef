package dev.taskdrivers.consul.internal;

import java.util.Locale;
import java.util.Optional;

/** A Consul check status, as the agent reports it. */
public enum CheckStatus {
    PASSING,
    WARNING,
    CRITICAL;

    /** The name Consul uses, e.g. {@code passing}. */
    public String consulName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From Consul's name; empty for anything else. */
    public static Optional<CheckStatus> fromConsul(String name) {
        for (CheckStatus s : values()) {
            if (s.consulName().equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** What a script's exit code means: 0 passing, 1 warning, anything else critical. */
    public static CheckStatus fromExitCode(int exitCode) {
        return switch (exitCode) {
            case 0 -> PASSING;
            case 1 -> WARNING;
            default -> CRITICAL;
        };
    }
}
