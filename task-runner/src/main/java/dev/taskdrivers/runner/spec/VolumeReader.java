package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a group's {@code volumes.NAME} objects and a task's {@code volume_mounts[i]} objects of the JSON spec. */
final class VolumeReader {
    private VolumeReader() {}

    /** {@code {"type": "host"|"csi", "source", "read_only", "access_mode", "attachment_mode", "per_alloc", ...}}. */
    static VolumeSpec.Builder volume(ConfigReader r) {
        String typeName = r.string("type", "");
        String source = r.requiredString("source");
        boolean readOnly = r.bool("read_only", false);
        String accessMode = r.optionalString("access_mode");
        String attachmentMode = r.optionalString("attachment_mode");
        boolean perAlloc = r.bool("per_alloc", false);
        String fsType = null;
        List<String> flags = List.of();
        if (r.has("mount_options")) {
            ConfigReader options = r.nested("mount_options");
            fsType = options.optionalString("fs_type");
            flags = options.stringList("mount_flags");
            r.include(options);
        }
        Optional<VolumeSpec.Type> type = VolumeSpec.Type.fromSpecName(typeName);
        if (type.isEmpty()) {
            r.problem(
                    "type",
                    typeName.isEmpty()
                            ? "is required: \"host\" or \"csi\""
                            : "must be \"host\" or \"csi\", got \"" + typeName + "\"");
        }
        // an unknown type reads as csi, whose rules are the fewest, so only the type is reported and mounts find it
        VolumeSpec.Builder volume = VolumeSpec.builder(type.orElse(VolumeSpec.Type.CSI), source == null ? "" : source)
                .readOnly(readOnly)
                .perAlloc(perAlloc)
                .mountFlags(flags);
        if (accessMode != null) {
            volume.accessMode(accessMode);
        }
        if (attachmentMode != null) {
            volume.attachmentMode(attachmentMode);
        }
        if (fsType != null) {
            volume.fsType(fsType);
        }
        return volume;
    }

    /** {@code {"volume", "destination", "read_only", "propagation_mode"}}. */
    static VolumeMountSpec.Builder mount(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String volume = r.requiredString("volume");
        String destination = r.requiredString("destination");
        VolumeMountSpec.Builder mount = VolumeMountSpec.builder(
                        volume == null ? "" : volume, destination == null ? "" : destination)
                .readOnly(r.bool("read_only", false));
        String propagation = r.optionalString("propagation_mode");
        if (propagation != null) {
            TaskMount.Propagation.fromSpecName(propagation)
                    .ifPresentOrElse(
                            mount::propagation,
                            () -> r.problem(
                                    "propagation_mode",
                                    "must be \"private\", \"host-to-task\" or \"bidirectional\", got \"" + propagation
                                            + "\""));
        }
        problems.addAll(r.problems());
        return mount;
    }
}
