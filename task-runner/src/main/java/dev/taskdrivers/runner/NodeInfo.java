package dev.taskdrivers.runner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a Nomad client would say about its node, for {@code ${node.*}}, {@code ${attr.*}} and {@code ${meta.*}} in
 * job specs. The runner adds what it finds itself (kernel, OS, CPU, memory, host name and address, drivers'
 * fingerprints); values given here win. Unset, the name is the host name, the id a UUID derived from it (stable
 * across restarts), the class empty, the pool {@code default}, and the datacenter the job's own.
 *
 * <p>It also says which volumes the node has, as a Nomad client's {@code host_volume} blocks do: host volumes by name
 * and CSI volumes, published on the node by the embedding scheduler's plugin, by source id. A group's
 * {@link dev.taskdrivers.runner.spec.VolumeSpec} is found among them:
 * <pre>{@code
 * NodeInfo.builder()
 *         .hostVolume("pg-data", Path.of("/srv/pg"), false)
 *         .csiVolume("cache[0]", Path.of("/var/lib/csi/publish/cache-0"), false)
 *         .build()
 * }</pre>
 *
 * <p>An attribute, meta key or volume a job names that the node lacks is a problem of this node: the runner refuses
 * to run the job here, and {@link dev.taskdrivers.runner.spec.JobValidator}'s check of the job alone (as
 * {@code taskdrivers validate} does) reports it apart from the job's own problems.
 */
public final class NodeInfo {
    private final @Nullable String name;
    private final @Nullable String id;
    private final String nodeClass;
    private final String pool;
    private final @Nullable String datacenter;
    private final Map<String, String> attributes;
    private final Map<String, String> meta;
    private final Map<String, Volume> hostVolumes;
    private final Map<String, Volume> csiVolumes;

    private NodeInfo(Builder b) {
        this.name = b.name;
        this.id = b.id;
        this.nodeClass = b.nodeClass;
        this.pool = b.pool;
        this.datacenter = b.datacenter;
        this.attributes = Map.copyOf(b.attributes);
        this.meta = Map.copyOf(b.meta);
        this.hostVolumes = Map.copyOf(b.hostVolumes);
        this.csiVolumes = Map.copyOf(b.csiVolumes);
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

    /** The node's host volumes by name, as a Nomad client's {@code host_volume "NAME"} blocks. */
    public Map<String, Volume> hostVolumes() {
        return hostVolumes;
    }

    /** The CSI volumes published on the node, by source id ({@code ID[N]} for a per-allocation volume). */
    public Map<String, Volume> csiVolumes() {
        return csiVolumes;
    }

    /**
     * A directory of the node that tasks may mount.
     *
     * @param path where it is on the host, absolute
     * @param readOnly whether tasks only read it: every mount of it is read-only, as in Nomad
     */
    public record Volume(Path path, boolean readOnly) {
        public Volume {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("a volume's path must be absolute, got \"" + path + "\"");
            }
        }
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
        private final Map<String, Volume> hostVolumes = new LinkedHashMap<>();
        private final Map<String, Volume> csiVolumes = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds a host volume, as a Nomad client's {@code host_volume "NAME" { path, read_only }}: a group's
         * {@code volume} of type {@code host} whose {@code source} is {@code name} mounts {@code path}.
         *
         * @throws IllegalArgumentException when the path is not absolute
         */
        public Builder hostVolume(String name, Path path, boolean readOnly) {
            hostVolumes.put(Objects.requireNonNull(name, "name"), new Volume(path, readOnly));
            return this;
        }

        /**
         * Adds a CSI volume the scheduler's plugin published on the node at {@code path}: a group's {@code volume}
         * of type {@code csi} whose {@code source} is {@code sourceId} mounts it; a {@code per_alloc} one is looked
         * up as {@code SOURCE[N]}, N the allocation's index.
         *
         * @throws IllegalArgumentException when the path is not absolute
         */
        public Builder csiVolume(String sourceId, Path path, boolean readOnly) {
            csiVolumes.put(Objects.requireNonNull(sourceId, "sourceId"), new Volume(path, readOnly));
            return this;
        }

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

        /** Adds one attribute, named without {@code attr.}; it wins over what the runner finds. */
        public Builder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds node meta, {@code ${meta.KEY}}. */
        public Builder meta(Map<String, String> values) {
            meta.putAll(values);
            return this;
        }

        public NodeInfo build() {
            return new NodeInfo(this);
        }
    }
}
