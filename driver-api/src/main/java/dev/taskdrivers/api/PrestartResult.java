package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What prestart prepared. Built through {@link #empty()}, {@link #of(CreatedResources)} or {@link #builder()}; new
 * facts are added as builder methods, so drivers written against an older version keep compiling. Its
 * {@code toString()} masks environment values whose names look secret.
 */
public final class PrestartResult {
    private static final PrestartResult EMPTY = builder().build();

    private final CreatedResources created;
    private final Map<String, Integer> portMap;
    private final Map<String, String> envOverrides;

    private PrestartResult(Builder b) {
        this.created = b.created;
        this.portMap = Map.copyOf(b.portMap);
        this.envOverrides = Map.copyOf(b.envOverrides);
    }

    /**
     * Nothing prepared: no resources, no port map, no environment.
     *
     * @return the empty result
     */
    public static PrestartResult empty() {
        return EMPTY;
    }

    /**
     * Only resources prepared, no port map and no environment.
     *
     * @param created resources to remove at cleanup
     * @return the result
     */
    public static PrestartResult of(CreatedResources created) {
        return builder().created(created).build();
    }

    /**
     * A builder with nothing prepared.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this result's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().created(created).portMap(portMap).envOverrides(envOverrides);
    }

    /**
     * Resources to remove at cleanup (images, directories).
     *
     * @return the resources, never {@code null}
     */
    public CreatedResources created() {
        return created;
    }

    /**
     * Port label to the port the task listens on inside its network (Docker's {@code port_map}); labels absent here
     * listen on the host port itself.
     *
     * @return an immutable map
     */
    public Map<String, Integer> portMap() {
        return portMap;
    }

    /**
     * Environment values as the task sees them, which win over the runner's, e.g. {@code NOMAD_TASK_DIR=/local}
     * inside a container.
     *
     * @return an immutable map
     */
    public Map<String, String> envOverrides() {
        return envOverrides;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrestartResult other
                && created.equals(other.created)
                && portMap.equals(other.portMap)
                && envOverrides.equals(other.envOverrides);
    }

    @Override
    public int hashCode() {
        return Objects.hash(created, portMap, envOverrides);
    }

    /** Environment values under names that look secret are masked. */
    @Override
    public String toString() {
        return "PrestartResult[created=" + created + ", portMap=" + new TreeMap<>(portMap) + ", envOverrides="
                + new TreeMap<>(Redaction.redact(envOverrides)) + "]";
    }

    /** Builds a {@link PrestartResult}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private CreatedResources created = CreatedResources.empty();
        /** These hold nulls too, so {@link #build()} can name them. */
        private final Map<String, Integer> portMap = new LinkedHashMap<>();

        private final Map<String, String> envOverrides = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the resources to remove at cleanup; none by default.
         *
         * @param created the resources
         * @return this builder
         */
        public Builder created(CreatedResources created) {
            this.created = created;
            return this;
        }

        /**
         * Maps one port label to the port the task listens on inside its network, replacing an earlier mapping.
         *
         * @param label the label, e.g. {@code http}
         * @param port 1-65535
         * @return this builder
         */
        public Builder port(String label, int port) {
            portMap.put(label, port);
            return this;
        }

        /**
         * Adds every mapping of {@code portMap}, replacing earlier mappings of the same labels.
         *
         * @param portMap label to port
         * @return this builder
         */
        public Builder portMap(Map<String, Integer> portMap) {
            Objects.requireNonNull(portMap, "portMap");
            this.portMap.putAll(portMap);
            return this;
        }

        /**
         * Sets one environment value as the task sees it, replacing an earlier value of the name.
         *
         * @param name e.g. {@code NOMAD_TASK_DIR}
         * @param value e.g. {@code /local}
         * @return this builder
         */
        public Builder envOverride(String name, String value) {
            envOverrides.put(name, value);
            return this;
        }

        /**
         * Adds every value of {@code envOverrides}, replacing earlier values of the same names.
         *
         * @param envOverrides name to value
         * @return this builder
         */
        public Builder envOverrides(Map<String, String> envOverrides) {
            Objects.requireNonNull(envOverrides, "envOverrides");
            this.envOverrides.putAll(envOverrides);
            return this;
        }

        /**
         * The result.
         *
         * @return a new {@link PrestartResult}
         * @throws IllegalArgumentException naming every broken invariant: created resources missing, a blank port
         *         label, a port outside 1-65535, a blank environment name, a missing environment value
         */
        public PrestartResult build() {
            Invariants invariants = new Invariants("PrestartResult").required(created, "created");
            Ports.check(invariants, "portMap", portMap);
            envOverrides.forEach((name, value) -> invariants
                    .check(name != null && !name.isBlank(), "envOverrides", "names must not be blank")
                    .check(value != null, "envOverrides." + name, "must not be null"));
            invariants.throwIfAny();
            return new PrestartResult(this);
        }
    }
}
