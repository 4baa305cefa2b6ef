package dev.taskdrivers.api;

import java.util.Map;
import java.util.Objects;

/**
 * The health of a driver on this node.
 *
 * @param health whether tasks can be started
 * @param description why, in words an operator understands
 * @param attributes facts such as versions, e.g. {@code driver.docker.version}
 */
public record Fingerprint(Health health, String description, Map<String, String> attributes) {
    public Fingerprint {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(description, "description");
        attributes = Map.copyOf(attributes);
    }

    public static Fingerprint healthy(String description, Map<String, String> attributes) {
        return new Fingerprint(Health.HEALTHY, description, attributes);
    }

    public static Fingerprint unhealthy(String description) {
        return new Fingerprint(Health.UNHEALTHY, description, Map.of());
    }

    public static Fingerprint undetected(String description) {
        return new Fingerprint(Health.UNDETECTED, description, Map.of());
    }

    public boolean isHealthy() {
        return health == Health.HEALTHY;
    }

    /** Driver health states. */
    public enum Health {
        /** The driver can start tasks. */
        HEALTHY,
        /** The driver is present but cannot start tasks now (engine down, missing privileges). */
        UNHEALTHY,
        /** What the driver needs is not on this node at all. */
        UNDETECTED
    }
}
