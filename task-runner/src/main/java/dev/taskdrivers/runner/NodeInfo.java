package dev.taskdrivers.runner;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a Nomad client would say about its node, for {@code ${node.*}}, {@code ${attr.*}} and {@code ${meta.*}} in
 * job specs. The runner adds what it finds itself (kernel, CPU, memory, host name, drivers' fingerprints); values
 * given here win. Unset, the name is the host name, the id a UUID derived from it (stable across restarts), the
 * class empty, the pool {@code default}, and the datacenter the job's own.
 */
public final class NodeInfo {
    private final @Nullable String name;
    private final @Nullable String id;
    private final String nodeClass;
    private final String pool;
    private final @Nullable String datacenter;
    private final Map<String, String> attributes;
    private final Map<String, String> meta;

    private NodeInfo(Builder b) {
        this.name = b.name;
        this.id = b.id;
        this.nodeClass = b.nodeClass;
        this.pool = b.pool;
        this.datacenter = b.datacenter;
        this.attributes = Map.copyOf(b.attributes);
        this.meta = Map.copyOf(b.meta);
    }

    /** Everything unset: the runner's own findings only. */
    public static NodeInfo defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code node.unique.name}; {@code null} for the host name. */
    public @Nullable String name() {
        return name;
    }

    /** {@code node.unique.id}; {@code null} for a UUID derived from the name. */
    public @Nullable String id() {
        return id;
    }

    /** The id: the one given, else a UUID derived from {@code nodeName}. */
    public String idOr(String nodeName) {
        return id != null
                ? id
                : UUID.nameUUIDFromBytes(nodeName.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString();
    }

    /** {@code node.class}. */
    public String nodeClass() {
        return nodeClass;
    }

    /** {@code node.pool}. */
    public String pool() {
        return pool;
    }

    /** {@code node.datacenter}; {@code null} for the job's datacenter. */
    public @Nullable String datacenter() {
        return datacenter;
    }

    /** Attributes by their name after {@code attr.}, e.g. {@code rack} for {@code ${attr.rack}}. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** The node's meta, {@code ${meta.KEY}} (not the job's, which is {@code NOMAD_META_KEY}). */
    public Map<String, String> meta() {
        return meta;
    }

    /** Configures a {@link NodeInfo}. */
    public static final class Builder {
        private @Nullable String name;
        private @Nullable String id;
        private String nodeClass = "";
        private String pool = "default";
        private @Nullable String datacenter;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final Map<String, String> meta = new LinkedHashMap<>();

        private Builder() {}

        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        public Builder id(String value) {
            this.id = Objects.requireNonNull(value, "id");
            return this;
        }

        public Builder nodeClass(String value) {
            this.nodeClass = Objects.requireNonNull(value, "nodeClass");
            return this;
        }

        public Builder pool(String value) {
            this.pool = Objects.requireNonNull(value, "pool");
            return this;
        }

        public Builder datacenter(String value) {
            this.datacenter = Objects.requireNonNull(value, "datacenter");
            return this;
        }

        /** Adds attributes, named without {@code attr.}; they win over what the runner finds. */
        public Builder attributes(Map<String, String> values) {
            attributes.putAll(values);
            return this;
        }

        public Builder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds node meta. */
        public Builder meta(Map<String, String> values) {
            meta.putAll(values);
            return this;
        }

        public NodeInfo build() {
            return new NodeInfo(this);
        }
    }
}
