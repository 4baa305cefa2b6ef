package dev.taskdrivers.cli;

import dev.taskdrivers.runner.NodeInfo;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The node's volumes, as a Nomad client's {@code host_volume} blocks give them: what a job's volumes are found among. */
final class VolumeOptions {
    @Option(
            names = "--host-volume",
            paramLabel = "NAME=PATH[:ro]",
            description = "A host volume of this node (repeatable), as a Nomad client's host_volume \"NAME\" block:"
                    + " a group's volume of type host with source NAME mounts the absolute PATH; :ro makes every"
                    + " mount of it read-only.")
    List<String> hostVolumes = List.of();

    @Option(
            names = "--csi-volume",
            paramLabel = "ID=PATH[:ro]",
            description = "A CSI volume published on this node at the absolute PATH (repeatable): a group's volume"
                    + " of type csi with source ID mounts it; a per_alloc volume is looked up as ID[N], e.g."
                    + " --csi-volume 'db[0]=/mnt/db-0'.")
    List<String> csiVolumes = List.of();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The node with these volumes.
     *
     * @throws ParameterException naming the option when a value is not NAME=PATH[:ro] with an absolute path
     */
    NodeInfo node() {
        NodeInfo.Builder node = NodeInfo.builder();
        for (String value : hostVolumes) {
            Volume v = parse("--host-volume", value);
            node.hostVolume(v.name(), v.path(), v.readOnly());
        }
        for (String value : csiVolumes) {
            Volume v = parse("--csi-volume", value);
            node.csiVolume(v.name(), v.path(), v.readOnly());
        }
        return node.build();
    }

    private record Volume(String name, Path path, boolean readOnly) {}

    private Volume parse(String option, String value) {
        int eq = value.indexOf('=');
        String path = eq < 0 ? "" : value.substring(eq + 1);
        boolean readOnly = path.endsWith(":ro");
        if (readOnly) {
            path = path.substring(0, path.length() - ":ro".length());
        }
        if (eq <= 0 || !path.startsWith("/")) {
            throw new ParameterException(
                    command.commandLine(),
                    option + " " + value + ": expected NAME=PATH[:ro] with an absolute PATH, as in " + option
                            + " data=/srv/data:ro");
        }
        return new Volume(value.substring(0, eq).strip(), Path.of(path), readOnly);
    }
}
