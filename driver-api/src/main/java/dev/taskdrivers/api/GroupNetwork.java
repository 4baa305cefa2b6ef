package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The network namespace a driver created for an allocation's tasks (see {@link Driver#createGroupNetwork}). Built
 * through {@link #builder}; new facts are added as builder methods, so drivers written against an older version keep
 * compiling.
 */
public final class GroupNetwork {
    private final String id;
    private final Map<String, Object> taskOptions;

    private GroupNetwork(Builder b) {
        this.id = b.id;
        this.taskOptions = Map.copyOf(b.taskOptions);
    }

    /**
     * A builder for the network the driver knows as {@code id}.
     *
     * @param id the driver's id of the network, e.g. a container id
     * @return a new builder without task options
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * The driver's id of the network, e.g. the id of the container that holds the namespace.
     *
     * @return the id, never blank
     */
    public String id() {
        return id;
    }

    /**
     * Driver config entries every task of the allocation runs with so that it joins the network, e.g. docker's
     * {@code network_mode}; they replace the task's own entries of the same name.
     *
     * @return an immutable map
     */
    public Map<String, Object> taskOptions() {
        return taskOptions;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof GroupNetwork n && id.equals(n.id) && taskOptions.equals(n.taskOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, taskOptions);
    }

    @Override
    public String toString() {
        return "GroupNetwork[id=" + id + ", taskOptions=" + taskOptions + "]";
    }

    /** Collects a group network's values. */
    public static final class Builder {
        private final String id;
        private final Map<String, Object> taskOptions = new LinkedHashMap<>();

        private Builder(String id) {
            if (Objects.requireNonNull(id, "id").isBlank()) {
                throw new IllegalArgumentException("a group network's id must not be blank");
            }
            this.id = id;
        }

        /**
         * Adds a driver config entry every task runs with.
         *
         * @param key the config key, e.g. {@code network_mode}
         * @param value its value
         * @return this builder
         */
        public Builder taskOption(String key, Object value) {
            taskOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * The network.
         *
         * @return the built network
         */
        public GroupNetwork build() {
            return new GroupNetwork(this);
        }
    }
}
