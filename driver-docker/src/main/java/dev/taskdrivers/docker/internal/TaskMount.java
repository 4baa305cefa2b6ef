package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.model.BindOptions;
import com.github.dockerjava.api.model.BindPropagation;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.taskdrivers.api.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a task's {@code mount} (or {@code mounts}) list, as Nomad's docker driver reads it: {@code type}
 * (bind, volume, tmpfs), {@code source}, {@code target}, {@code readonly} and the options of its type:
 * {@code bind_options { propagation }}, {@code volume_options { no_copy, labels, driver_config { name, options } }},
 * {@code tmpfs_options { size, mode }}.
 *
 * @param type bind, volume or tmpfs
 * @param source the host path (relative to the task directory) or volume name; null for tmpfs
 * @param target the path in the container
 * @param readOnly whether the container may not write
 * @param propagation a bind's propagation (e.g. {@code rshared}), or null
 * @param noCopy whether a new volume is left empty rather than filled from the image
 * @param volumeLabels labels of a volume the mount creates
 * @param driverName the driver of a volume the mount creates, or null
 * @param driverOptions that driver's options
 * @param tmpfsSizeBytes the size of a tmpfs, 0 for the engine's default
 * @param tmpfsMode the permission bits of a tmpfs, or null
 */
public record TaskMount(
        String type,
        @Nullable String source,
        String target,
        boolean readOnly,
        @Nullable String propagation,
        boolean noCopy,
        Map<String, String> volumeLabels,
        @Nullable String driverName,
        Map<String, String> driverOptions,
        long tmpfsSizeBytes,
        @Nullable Integer tmpfsMode) {

    private static final Set<String> TYPES = Set.of("bind", "volume", "tmpfs");
    private static final Set<String> PROPAGATIONS =
            Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");

    /** Reads the list under {@code key} ({@code mount} or {@code mounts}) of the (folded) {@code config}. */
    public static List<TaskMount> readAll(ConfigReader r, Map<String, Object> config, String key) {
        if (!r.has(key)) {
            return List.of();
        }
        if (!(config.get(key) instanceof List<?> list)) {
            r.problem(key, "must be a list of objects");
            return List.of();
        }
        List<TaskMount> mounts = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                r.problem(key + "[" + i + "]", "must be an object");
                continue;
            }
            @SuppressWarnings("unchecked")
            ConfigReader m = new ConfigReader((Map<String, Object>) item, "config." + key + "[" + i + "]");
            Object tmpfs = item.get("tmpfs_options");
            mounts.add(read(m, tmpfs instanceof Map<?, ?> t ? t.get("mode") : null));
            r.include(m);
        }
        return mounts;
    }

    private static TaskMount read(ConfigReader m, @Nullable Object rawTmpfsMode) {
        String type = m.string("type", "bind");
        String source = m.optionalString("source");
        String target = m.requiredString("target");
        boolean readOnly = m.bool("readonly", false);
        if (!TYPES.contains(type)) {
            m.problem("type", "must be one of bind, volume, tmpfs, got \"" + type + "\"");
        }
        if (!"tmpfs".equals(type) && (source == null || source.isBlank())) {
            m.problem("source", "is required for a " + type + " mount");
        }
        if (target != null && !target.startsWith("/")) {
            m.problem("target", "must be an absolute path, got \"" + target + "\"");
        }
        onlyFor(m, type, "bind_options", "bind");
        onlyFor(m, type, "volume_options", "volume");
        onlyFor(m, type, "tmpfs_options", "tmpfs");

        ConfigReader bind = m.nested("bind_options");
        String propagation = bind.optionalString("propagation");
        if (propagation != null && !PROPAGATIONS.contains(propagation)) {
            bind.problem(
                    "propagation",
                    "must be one of private, rprivate, shared, rshared, slave, rslave, got \"" + propagation + "\"");
        }
        m.include(bind);

        ConfigReader volume = m.nested("volume_options");
        boolean noCopy = volume.bool("no_copy", false);
        Map<String, String> labels = volume.stringMap("labels");
        ConfigReader driver = volume.nested("driver_config");
        String driverName = driver.optionalString("name");
        Map<String, String> driverOptions = driver.stringMap("options");
        volume.include(driver);
        m.include(volume);

        ConfigReader tmpfs = m.nested("tmpfs_options");
        long size = tmpfs.integer("size", 0, 0, Long.MAX_VALUE);
        Integer mode = tmpfsMode(tmpfs, rawTmpfsMode);
        m.include(tmpfs);
        // a missing target is a problem already, and settings with problems never reach the engine
        String targetOrEmpty = target == null ? "" : target;
        return new TaskMount(
                type,
                source,
                targetOrEmpty,
                readOnly,
                propagation,
                noCopy,
                labels,
                driverName,
                driverOptions,
                size,
                mode);
    }

    private static void onlyFor(ConfigReader m, String type, String key, String forType) {
        if (m.has(key) && !forType.equals(type)) {
            m.problem(key, "only applies to a " + forType + " mount, this one is " + type);
        }
    }

    /** A number is the mode's value as the engine takes it; a string is read as octal, like {@code "1777"}. */
    private static @Nullable Integer tmpfsMode(ConfigReader tmpfs, @Nullable Object raw) {
        if (raw == null || raw instanceof Number) {
            long mode = tmpfs.integer("mode", -1, 0, 07777);
            return mode < 0 ? null : (int) mode;
        }
        String text = tmpfs.optionalString("mode");
        if (text == null || !text.matches("0?[0-7]{1,4}")) {
            tmpfs.problem("mode", "must be octal permission bits like \"1777\", got \"" + text + "\"");
            return null;
        }
        return Integer.parseInt(text, 8);
    }

    /** The engine's mount, with bind sources resolved by {@code hostPath}. */
    public Mount toDocker(UnaryOperator<String> hostPath) {
        Mount mount = new Mount()
                .withType(MountType.valueOf(type.toUpperCase(Locale.ROOT)))
                .withTarget(target)
                .withReadOnly(readOnly);
        if (source != null) {
            mount.withSource("bind".equals(type) ? hostPath.apply(source) : source);
        }
        if (propagation != null) {
            mount.withBindOptions(new BindOptions()
                    .withPropagation(BindPropagation.valueOf(
                            propagation.startsWith("r")
                                    ? "R_" + propagation.substring(1).toUpperCase(Locale.ROOT)
                                    : propagation.toUpperCase(Locale.ROOT))));
        }
        if ("volume".equals(type) && (noCopy || !volumeLabels.isEmpty() || driverName != null)) {
            VolumeOptions options = new VolumeOptions().withNoCopy(noCopy);
            if (!volumeLabels.isEmpty()) {
                options.withLabels(volumeLabels);
            }
            if (driverName != null) {
                options.withDriverConfig(new Driver().withName(driverName).withOptions(driverOptions));
            }
            mount.withVolumeOptions(options);
        }
        if ("tmpfs".equals(type) && (tmpfsSizeBytes > 0 || tmpfsMode != null)) {
            TmpfsOptions options = new TmpfsOptions();
            if (tmpfsSizeBytes > 0) {
                options.withSizeBytes(tmpfsSizeBytes);
            }
            if (tmpfsMode != null) {
                options.withMode(tmpfsMode);
            }
            mount.withTmpfsOptions(options);
        }
        return mount;
    }
}
