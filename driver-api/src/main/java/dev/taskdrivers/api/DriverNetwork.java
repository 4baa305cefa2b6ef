package dev.taskdrivers.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A task's own network, as the driver knows it after start. Built through {@link #builder()}; new facts are added as
 * builder methods, so drivers written against an older version keep compiling.
 */
public final class DriverNetwork {
    private final String ip;
    private final Map<String, Integer> portMap;
    private final boolean autoAdvertise;

    private DriverNetwork(Builder b) {
        this.ip = Objects.requireNonNull(b.ip);
        this.portMap = Map.copyOf(b.portMap);
        this.autoAdvertise = b.autoAdvertise;
    }

    /**
     * A builder with no ports and {@code autoAdvertise} off; {@link Builder#ip} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this network's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().ip(ip).portMap(portMap).autoAdvertise(autoAdvertise);
    }

    /**
     * The task's address, e.g. a container's bridge IP.
     *
     * @return the address, never blank
     */
    public String ip() {
        return ip;
    }

    /**
     * Port label to the port inside the task's network.
     *
     * @return an immutable map, empty when the task maps no ports
     */
    public Map<String, Integer> portMap() {
        return portMap;
    }

    /**
     * Whether services should advertise {@link #ip()} rather than the host's address by default.
     *
     * @return {@code true} when the task's own address is reachable from other hosts
     */
    public boolean autoAdvertise() {
        return autoAdvertise;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriverNetwork other
                && ip.equals(other.ip)
                && portMap.equals(other.portMap)
                && autoAdvertise == other.autoAdvertise;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ip, portMap, autoAdvertise);
    }

    @Override
    public String toString() {
        return "DriverNetwork[ip=" + ip + ", portMap=" + new TreeMap<>(portMap) + ", autoAdvertise=" + autoAdvertise
                + "]";
    }

    /** Builds a {@link DriverNetwork}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable String ip;
        /** Holds nulls too, so {@link #build()} can name them. */
        private final Map<String, Integer> portMap = new LinkedHashMap<>();

        private boolean autoAdvertise;

        private Builder() {}

        /**
         * Sets the task's address (required).
         *
         * @param ip e.g. {@code 172.17.0.2}
         * @return this builder
         */
        public Builder ip(String ip) {
            this.ip = ip;
            return this;
        }

        /**
         * Maps one port label to the port inside the task's network, replacing an earlier mapping of the label.
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
         * Sets whether services advertise the task's address by default; {@code false} by default.
         *
         * @param autoAdvertise whether the task's own address is reachable from other hosts
         * @return this builder
         */
        public Builder autoAdvertise(boolean autoAdvertise) {
            this.autoAdvertise = autoAdvertise;
            return this;
        }

        /**
         * The network.
         *
         * @return a new {@link DriverNetwork}
         * @throws IllegalArgumentException naming every broken invariant: the address is missing or blank, a label
         *         is blank, a port is outside 1-65535
         */
        public DriverNetwork build() {
            Invariants invariants = new Invariants("DriverNetwork")
                    .required(ip, "ip")
                    .check(ip == null || !ip.isBlank(), "ip", "must not be blank");
            Ports.check(invariants, "portMap", portMap);
            invariants.throwIfAny();
            return new DriverNetwork(this);
        }
    }
}
