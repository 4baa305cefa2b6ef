package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The health of a driver on this node. Built through {@link #healthy}, {@link #unhealthy}, {@link #undetected} or
 * {@link #builder()}; new facts are added as builder methods, so drivers written against an older version keep
 * compiling.
 */
public final class Fingerprint {
    private final Health health;
    private final String description;
    private final Map<String, String> attributes;

    private Fingerprint(Builder b) {
        this.health = Objects.requireNonNull(b.health);
        this.description = Objects.requireNonNull(b.description);
        this.attributes = Map.copyOf(b.attributes);
    }

    /**
     * A driver that can start tasks.
     *
     * @param description why, e.g. {@code docker 27.1 reachable}
     * @param attributes facts such as versions, e.g. {@code driver.docker.version}
     * @return the fingerprint
     */
    public static Fingerprint healthy(String description, Map<String, String> attributes) {
        return builder()
                .health(Health.HEALTHY)
                .description(description)
                .attributes(attributes)
                .build();
    }

    /**
     * A driver that is present but cannot start tasks now (engine down, missing privileges).
     *
     * @param description why, in words an operator understands
     * @return the fingerprint
     */
    public static Fingerprint unhealthy(String description) {
        return builder().health(Health.UNHEALTHY).description(description).build();
    }

    /**
     * A driver whose engine or tools are not on this node at all.
     *
     * @param description what is missing
     * @return the fingerprint
     */
    public static Fingerprint undetected(String description) {
        return builder().health(Health.UNDETECTED).description(description).build();
    }

    /**
     * A builder with no attributes; {@link Builder#health} and {@link Builder#description} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this fingerprint's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().health(health).description(description).attributes(attributes);
    }

    /**
     * Whether tasks can be started.
     *
     * @return the health, never {@code null}
     */
    public Health health() {
        return health;
    }

    /**
     * Why the driver has its health, in words an operator understands.
     *
     * @return the description, never blank
     */
    public String description() {
        return description;
    }

    /**
     * Facts about the node, such as versions, e.g. {@code driver.docker.version}.
     *
     * @return an immutable map, empty when there are none
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Whether tasks can be started.
     *
     * @return {@code true} when the health is {@link Health#HEALTHY}
     */
    public boolean isHealthy() {
        return health == Health.HEALTHY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint other
                && health == other.health
                && description.equals(other.description)
                && attributes.equals(other.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(health, description, attributes);
    }

    @Override
    public String toString() {
        return "Fingerprint[health=" + health + ", description=" + description + ", attributes="
                + new TreeMap<>(Redaction.redact(attributes)) + "]";
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

    /** Builds a {@link Fingerprint}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable Health health;
        private @Nullable String description;
        /** Holds nulls too, so {@link #build()} can name them. */
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the health (required).
         *
         * @param health the health
         * @return this builder
         */
        public Builder health(Health health) {
            this.health = health;
            return this;
        }

        /**
         * Sets why the driver has its health (required, not blank).
         *
         * @param description in words an operator understands
         * @return this builder
         */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /**
         * Adds one attribute, replacing an earlier value of the same key.
         *
         * @param key e.g. {@code driver.docker.version}
         * @param value its value
         * @return this builder
         */
        public Builder attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        /**
         * Adds every attribute of {@code attributes}, replacing earlier values of the same keys.
         *
         * @param attributes keys to values
         * @return this builder
         */
        public Builder attributes(Map<String, String> attributes) {
            Objects.requireNonNull(attributes, "attributes");
            attributes.forEach(this::attribute);
            return this;
        }

        /**
         * The fingerprint.
         *
         * @return a new {@link Fingerprint}
         * @throws IllegalArgumentException naming every broken invariant: health or description missing, a blank
         *         description, null attribute keys or values
         */
        public Fingerprint build() {
            Invariants invariants = new Invariants("Fingerprint")
                    .required(health, "health")
                    .required(description, "description")
                    .check(description == null || !description.isBlank(), "description", "must not be blank");
            attributes.forEach((key, value) -> invariants
                    .check(key != null, "attributes", "keys must not be null")
                    .check(key == null || value != null, "attributes." + key, "must not be null"));
            invariants.throwIfAny();
            return new Fingerprint(this);
        }
    }
}
