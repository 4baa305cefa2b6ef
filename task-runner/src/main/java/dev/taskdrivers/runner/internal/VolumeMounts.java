package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.spec.VolumeMountSpec;
import dev.taskdrivers.runner.spec.VolumeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Finds a group's volumes among the node's and turns a task's {@code volume_mount}s into the driver's
 * {@link TaskMount}s: host path from the node, destination interpolated, read-only when the mount, the group's volume
 * or the node's volume says so (as Nomad does: a writable mount of a read-only volume is mounted read-only).
 */
public final class VolumeMounts {
    private VolumeMounts() {}

    /**
     * What a task's mounts resolve to.
     *
     * @param mounts the driver's mounts, in the spec's order; those with problems left out
     * @param problems under {@code volume_mounts[j]...}
     * @param madeReadOnly writable mounts of a read-only volume, under {@code volume_mounts[j].read_only}
     */
    public record Resolved(
            List<TaskMount> mounts, List<ValidationProblem> problems, List<ValidationProblem> madeReadOnly) {}

    /**
     * The problems of a group's volumes on this node, under {@code volumes.NAME.source}: each must be one the node
     * has ({@code SOURCE[N]} for every allocation index N below {@code count} when per allocation).
     */
    public static List<ValidationProblem> nodeProblems(Map<String, VolumeSpec> volumes, int count, NodeInfo node) {
        List<ValidationProblem> problems = new ArrayList<>();
        volumes.forEach((name, volume) -> {
            Map<String, NodeInfo.Volume> available = available(volume, node);
            List<String> missing = new ArrayList<>();
            for (int index = 0; index < (volume.perAlloc() ? count : 1); index++) {
                String id = volume.sourceFor(index);
                if (!available.containsKey(id)) {
                    missing.add(id);
                }
            }
            if (!missing.isEmpty()) {
                problems.add(new ValidationProblem(
                        "volumes." + name + ".source",
                        "the node has no " + volume.type().specName() + " volume "
                                + String.join(
                                        ", ",
                                        missing.stream()
                                                .map(m -> "\"" + m + "\"")
                                                .toList())
                                + "; its " + volume.type().specName() + " volumes: "
                                + (available.isEmpty() ? "none" : String.join(", ", new TreeSet<>(available.keySet())))
                                + hint(volume.type())));
            }
        });
        return problems;
    }

    /**
     * The mounts of a task of the allocation with index {@code allocIndex}.
     *
     * @param destination interpolates a destination as written, given it and its field
     */
    public static Resolved resolve(
            Map<String, VolumeSpec> volumes,
            List<VolumeMountSpec> mounts,
            int allocIndex,
            NodeInfo node,
            BiFunction<String, String, String> destination) {
        List<TaskMount> resolved = new ArrayList<>();
        List<ValidationProblem> problems = new ArrayList<>();
        List<ValidationProblem> madeReadOnly = new ArrayList<>();
        for (int j = 0; j < mounts.size(); j++) {
            VolumeMountSpec mount = mounts.get(j);
            String path = "volume_mounts[" + j + "]";
            VolumeSpec volume = volumes.get(mount.volume());
            NodeInfo.Volume onNode =
                    volume == null ? null : available(volume, node).get(volume.sourceFor(allocIndex));
            String target = destination.apply(mount.destination(), path + ".destination");
            if (!target.startsWith("/")) {
                problems.add(new ValidationProblem(
                        path + ".destination",
                        "must be an absolute path inside the task once interpolated, got \"" + target + "\""));
            }
            if (volume == null || onNode == null) {
                continue; // the group's rules and nodeProblems report it
            }
            boolean volumeReadOnly = volume.readOnly() || onNode.readOnly() || readerOnly(volume.accessMode());
            if (!mount.readOnly() && volumeReadOnly) {
                madeReadOnly.add(new ValidationProblem(
                        path + ".read_only",
                        "volume \"" + mount.volume() + "\" is read-only" + readOnlyBecause(volume, onNode)
                                + ": mounted read-only, as Nomad does"));
            }
            if (target.startsWith("/")) {
                resolved.add(
                        new TaskMount(onNode.path(), target, mount.readOnly() || volumeReadOnly, mount.propagation()));
            }
        }
        return new Resolved(List.copyOf(resolved), List.copyOf(problems), List.copyOf(madeReadOnly));
    }

    private static Map<String, NodeInfo.Volume> available(VolumeSpec volume, NodeInfo node) {
        return volume.type() == VolumeSpec.Type.HOST ? node.hostVolumes() : node.csiVolumes();
    }

    private static boolean readerOnly(@Nullable String accessMode) {
        return accessMode != null && accessMode.endsWith("-reader-only");
    }

    private static String readOnlyBecause(VolumeSpec volume, NodeInfo.Volume onNode) {
        if (volume.readOnly()) {
            return " (the group's volume block says read_only)";
        }
        if (onNode.readOnly()) {
            return " (the node has it read-only)";
        }
        return " (access_mode " + volume.accessMode() + ")";
    }

    private static String hint(VolumeSpec.Type type) {
        return type == VolumeSpec.Type.HOST
                ? " (the runner's NodeInfo.hostVolume, the command line's --host-volume)"
                : " (the runner's NodeInfo.csiVolume, the command line's --csi-volume)";
    }
}
