package dev.taskdrivers.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A started task. Built through {@link #of(TaskHandle)}, {@link #of(TaskHandle, CreatedResources)} or
 * {@link #builder()}; new facts are added as builder methods, so drivers written against an older version keep
 * compiling.
 */
public final class StartResult {
    private final TaskHandle handle;
    private final Optional<DriverNetwork> network;
    private final CreatedResources created;

    private StartResult(Builder b) {
        this.handle = Objects.requireNonNull(b.handle);
        this.network = Optional.ofNullable(b.network);
        this.created = b.created;
    }

    /**
     * A task with no network of its own that created nothing at start.
     *
     * @param handle controls the running task
     * @return the result
     */
    public static StartResult of(TaskHandle handle) {
        return builder().handle(handle).build();
    }

    /**
     * A task with no network of its own.
     *
     * @param handle controls the running task
     * @param created resources created by start, to remove at cleanup
     * @return the result
     */
    public static StartResult of(TaskHandle handle, CreatedResources created) {
        return builder().handle(handle).created(created).build();
    }

    /**
     * A builder with no network and nothing created; {@link Builder#handle} is required.
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
        return new Builder().handle(handle).network(network).created(created);
    }

    /**
     * Controls the running task.
     *
     * @return the handle, never {@code null}
     */
    public TaskHandle handle() {
        return handle;
    }

    /**
     * The task's own network address, when it has one (containers, pods).
     *
     * @return the network, or empty when the task uses the host's
     */
    public Optional<DriverNetwork> network() {
        return network;
    }

    /**
     * Resources created by start, which the runner merges with those of prestart and removes at cleanup.
     *
     * @return the resources, never {@code null}
     */
    public CreatedResources created() {
        return created;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartResult other
                && handle.equals(other.handle)
                && network.equals(other.network)
                && created.equals(other.created);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handle, network, created);
    }

    @Override
    public String toString() {
        return "StartResult[handle=" + handle + ", network="
                + network.map(String::valueOf).orElse("none") + ", created=" + created + "]";
    }

    /** Builds a {@link StartResult}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable TaskHandle handle;
        private @Nullable DriverNetwork network;
        private CreatedResources created = CreatedResources.empty();

        private Builder() {}

        /**
         * Sets the handle of the running task (required).
         *
         * @param handle the handle
         * @return this builder
         */
        public Builder handle(TaskHandle handle) {
            this.handle = handle;
            return this;
        }

        /**
         * Sets the task's own network; none by default.
         *
         * @param network the network, or {@code null} for none
         * @return this builder
         */
        public Builder network(@Nullable DriverNetwork network) {
            this.network = network;
            return this;
        }

        /**
         * Sets the task's own network when there is one; none by default.
         *
         * @param network the network, or empty for none
         * @return this builder
         */
        public Builder network(Optional<DriverNetwork> network) {
            this.network = Objects.requireNonNull(network, "network").orElse(null);
            return this;
        }

        /**
         * Sets the resources created by start; none by default.
         *
         * @param created the resources
         * @return this builder
         */
        public Builder created(CreatedResources created) {
            this.created = created;
            return this;
        }

        /**
         * The result.
         *
         * @return a new {@link StartResult}
         * @throws IllegalArgumentException naming every missing value: the handle, the created resources
         */
        public StartResult build() {
            new Invariants("StartResult")
                    .required(handle, "handle")
                    .required(created, "created")
                    .throwIfAny();
            return new StartResult(this);
        }
    }
}
