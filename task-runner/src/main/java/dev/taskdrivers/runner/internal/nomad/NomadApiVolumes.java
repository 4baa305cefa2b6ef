package dev.taskdrivers.runner.internal.nomad;

import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.at;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.cast;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.putIfSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A group's {@code Volumes} (name to {@code Type}, {@code Source}, {@code ReadOnly}, {@code AccessMode},
 * {@code AttachmentMode}, {@code PerAlloc}, {@code MountOptions {FSType, MountFlags}}) and a task's
 * {@code VolumeMounts} ({@code Volume}, {@code Destination}, {@code ReadOnly}, {@code PropagationMode}) of Nomad's API
 * JSON, mapped onto the keys a job file's {@code volume} and {@code volume_mount} blocks have.
 */
final class NomadApiVolumes {
    private NomadApiVolumes() {}

    /** The group's volumes by name; the {@code Name} inside each repeats its key. */
    static Map<String, Object> volumes(NomadApiJobMapper mapper, String path, Object value) {
        Map<String, Object> volumes = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> map)) {
            if (value != null) {
                mapper.problem(path, "must be an object of volumes by name");
            }
            return volumes;
        }
        cast(map).forEach((name, v) -> volumes.put(name, volume(mapper, at(path, name), v)));
        return volumes;
    }

    private static Map<String, Object> volume(NomadApiJobMapper mapper, String path, Object value) {
        Map<String, Object> volume = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> map)) {
            mapper.problem(path, "must be an object");
            return volume;
        }
        cast(map).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Name" -> {}
                case "Type" -> putIfSet(volume, "type", v);
                case "Source" -> putIfSet(volume, "source", v);
                case "ReadOnly" -> putIfSet(volume, "read_only", v);
                case "AccessMode" -> putIfSet(volume, "access_mode", v);
                case "AttachmentMode" -> putIfSet(volume, "attachment_mode", v);
                case "PerAlloc" -> putIfSet(volume, "per_alloc", v);
                case "MountOptions" -> putIfSet(volume, "mount_options", mountOptions(mapper, at, v));
                case "Sticky" -> {
                    if (NomadApiJobMapper.set(v)) {
                        mapper.ignored(at);
                    }
                }
                default -> mapper.other(at, v, Set.of());
            }
        });
        return volume;
    }

    private static Map<String, Object> mountOptions(NomadApiJobMapper mapper, String path, Object value) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (!(value instanceof Map<?, ?> map)) {
            if (value != null) {
                mapper.problem(path, "must be an object");
            }
            return options;
        }
        cast(map).forEach((key, v) -> {
            switch (key) {
                case "FSType" -> putIfSet(options, "fs_type", v);
                case "MountFlags" -> putIfSet(options, "mount_flags", v);
                default -> mapper.other(at(path, key), v, Set.of());
            }
        });
        return options;
    }

    /** One element of a task's {@code VolumeMounts}; an SELinux label is not supported. */
    static Map<String, Object> mount(NomadApiJobMapper mapper, String path, Map<String, Object> raw) {
        Map<String, Object> mount = new LinkedHashMap<>();
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Volume" -> putIfSet(mount, "volume", v);
                case "Destination" -> putIfSet(mount, "destination", v);
                case "ReadOnly" -> putIfSet(mount, "read_only", v);
                case "PropagationMode" -> putIfSet(mount, "propagation_mode", v);
                case "SELinuxLabel" -> {
                    if (NomadApiJobMapper.set(v)) {
                        mapper.problem(at, "not supported yet");
                    }
                }
                default -> mapper.other(at, v, Set.of());
            }
        });
        return mount;
    }
}
