package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A volume a group asks for, as Nomad's group {@code volume "NAME"} block; its tasks mount it by that name with
 * {@link VolumeMountSpec}:
 * <pre>{@code
 * GroupSpec.builder("db").volume("data", VolumeSpec.host("pg-data").readOnly(false)).task(...).build()
 * }</pre>
 * The runner finds a {@link Type#HOST host} volume among the node's host volumes by its {@code source} name, and a
 * {@link Type#CSI csi} one among the volumes the embedding scheduler published on the node by its source id
 * ({@code source[N]}, N the allocation's index, when {@code per_alloc}); see
 * {@link dev.taskdrivers.runner.NodeInfo.Builder#hostVolume}. Creating, claiming and publishing CSI volumes is the
 * scheduler's business: the access and attachment modes and the mount options are kept for it, and checked only for
 * well-formed values. A built volume has a source; {@code per_alloc} and mount options only on a csi volume; known
 * access and attachment modes, and not {@code block-device}, which mounts no directory.
 */
public final class VolumeSpec {
    /** Access modes a CSI volume may ask for, as Nomad names them. */
    static final Set<String> ACCESS_MODES = Set.of(
            "single-node-reader-only",
            "single-node-writer",
            "single-node-single-writer",
            "single-node-multi-writer",
            "multi-node-reader-only",
            "multi-node-single-writer",
            "multi-node-multi-writer");
    /** The attachment mode of a volume mounted as a directory. */
    public static final String FILE_SYSTEM = "file-system";

    /** Where the node has the volume. */
    public enum Type {
        /** One of the node's host volumes (Nomad's client {@code host_volume}), by name. */
        HOST,
        /** A CSI volume published on the node by the scheduler's plugin, by source id. */
        CSI;

        /** The name in the spec, e.g. {@code host}. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type named {@code name} in the spec; empty when there is none. */
        public static Optional<Type> fromSpecName(String name) {
            for (Type t : values()) {
                if (t.specName().equals(name)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    private final Type type;
    private final String source;
    private final boolean readOnly;
    private final @Nullable String accessMode;
    private final @Nullable String attachmentMode;
    private final boolean perAlloc;
    private final @Nullable String fsType;
    private final List<String> mountFlags;

    private VolumeSpec(Builder b) {
        this.type = b.type;
        this.source = b.source;
        this.readOnly = b.readOnly;
        this.accessMode = b.accessMode;
        this.attachmentMode = b.attachmentMode;
        this.perAlloc = b.perAlloc;
        this.fsType = b.fsType;
        this.mountFlags = List.copyOf(b.mountFlags);
    }

    /** A builder of a volume of {@code type} found on the node as {@code source}. */
    public static Builder builder(Type type, String source) {
        return new Builder(type, source);
    }

    /** A builder of the node's host volume named {@code source}. */
    public static Builder host(String source) {
        return builder(Type.HOST, source);
    }

    /** A builder of the CSI volume the scheduler published on the node as {@code source}. */
    public static Builder csi(String source) {
        return builder(Type.CSI, source);
    }

    /** A builder holding this volume's values. */
    public Builder toBuilder() {
        Builder b = builder(type, source).readOnly(readOnly).perAlloc(perAlloc).mountFlags(mountFlags);
        b.accessMode = accessMode;
        b.attachmentMode = attachmentMode;
        b.fsType = fsType;
        return b;
    }

    public Type type() {
        return type;
    }

    /** The host volume's name, or the CSI volume's id ({@code source[N]} on the node when {@link #perAlloc()}). */
    public String source() {
        return source;
    }

    /** Whether every task mounts it read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    /** The CSI access mode, e.g. {@code single-node-writer}; {@code null} when unset. */
    public @Nullable String accessMode() {
        return accessMode;
    }

    /** {@code file-system} or unset ({@code null}). */
    public @Nullable String attachmentMode() {
        return attachmentMode;
    }

    /** Whether each allocation has a volume of its own, {@code source[N]}. */
    public boolean perAlloc() {
        return perAlloc;
    }

    /** The file system the CSI plugin should mount, {@code null} when unset. */
    public @Nullable String fsType() {
        return fsType;
    }

    /** Flags the CSI plugin should mount with. */
    public List<String> mountFlags() {
        return mountFlags;
    }

    /** The volume's id on the node for the allocation with this index. */
    public String sourceFor(int allocIndex) {
        return perAlloc ? source + "[" + allocIndex + "]" : source;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof VolumeSpec v
                && type == v.type
                && source.equals(v.source)
                && readOnly == v.readOnly
                && Objects.equals(accessMode, v.accessMode)
                && Objects.equals(attachmentMode, v.attachmentMode)
                && perAlloc == v.perAlloc
                && Objects.equals(fsType, v.fsType)
                && mountFlags.equals(v.mountFlags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, source, readOnly, accessMode, attachmentMode, perAlloc, fsType, mountFlags);
    }

    @Override
    public String toString() {
        return "VolumeSpec[type=" + type.specName() + ", source=" + source + (readOnly ? ", readOnly" : "")
                + (perAlloc ? ", perAlloc" : "") + (accessMode == null ? "" : ", accessMode=" + accessMode) + "]";
    }

    /** Collects a volume's values; {@link #build} refuses what no volume may be, naming every offending field. */
    public static final class Builder {
        private final Type type;
        private final String source;
        private boolean readOnly;
        private @Nullable String accessMode;
        private @Nullable String attachmentMode;
        private boolean perAlloc;
        private @Nullable String fsType;
        private List<String> mountFlags = List.of();

        private Builder(Type type, String source) {
            this.type = Objects.requireNonNull(type, "type");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Whether every task mounts it read-only; {@code false} unless set. */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /** Nomad's {@code access_mode}, e.g. {@code single-node-writer}. */
        public Builder accessMode(String value) {
            this.accessMode = Objects.requireNonNull(value, "accessMode");
            return this;
        }

        /** Nomad's {@code attachment_mode}: {@code file-system} (the only one a task can mount as a directory). */
        public Builder attachmentMode(String value) {
            this.attachmentMode = Objects.requireNonNull(value, "attachmentMode");
            return this;
        }

        /** Whether each allocation has a volume of its own, {@code source[N]} (csi only); {@code false} unless set. */
        public Builder perAlloc(boolean value) {
            this.perAlloc = value;
            return this;
        }

        /** {@code mount_options.fs_type} (csi only). */
        public Builder fsType(String value) {
            this.fsType = Objects.requireNonNull(value, "fsType");
            return this;
        }

        /** {@code mount_options.mount_flags} (csi only). */
        public Builder mountFlags(List<String> values) {
            this.mountFlags = List.copyOf(values);
            return this;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (source.isBlank()) {
                problems.add(new ValidationProblem("source", "must not be empty"));
            }
            if (accessMode != null && !ACCESS_MODES.contains(accessMode)) {
                problems.add(new ValidationProblem(
                        "access_mode",
                        "must be one of " + new TreeSet<>(ACCESS_MODES) + ", got \"" + accessMode + "\""));
            }
            if ("block-device".equals(attachmentMode)) {
                problems.add(new ValidationProblem(
                        "attachment_mode", "block-device is not supported: a task mounts a volume as a directory"));
            } else if (attachmentMode != null && !FILE_SYSTEM.equals(attachmentMode)) {
                problems.add(new ValidationProblem(
                        "attachment_mode", "must be \"file-system\", got \"" + attachmentMode + "\""));
            }
            if (type == Type.HOST) {
                if (perAlloc) {
                    problems.add(new ValidationProblem("per_alloc", "only a csi volume can be per_alloc"));
                }
                if (fsType != null || !mountFlags.isEmpty()) {
                    problems.add(new ValidationProblem("mount_options", "only a csi volume has mount options"));
                }
            }
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public VolumeSpec build() {
            ValidationException.throwIfAny(problems());
            return new VolumeSpec(this);
        }

        VolumeSpec buildChecked() {
            return new VolumeSpec(this);
        }
    }
}
