package dev.taskdrivers.cli;

import dev.taskdrivers.runner.NodeInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the node says about itself to jobs ({@code ${node.*}}, {@code ${attr.*}}, {@code ${meta.*}}), as a Nomad
 * client's {@code name}, {@code node_class}, {@code node_pool}, {@code datacenter} and {@code meta} settings do; what
 * is not given is what the runner finds on the host. Also the volumes it has, as its {@code host_volume} blocks: what
 * a job's group volumes are found among.
 */
final class NodeOptions {
    // picocli replaces ${...} in descriptions with system properties: $${ shows the text as written
    @Option(names = "--node-name", paramLabel = "NAME", description = "$${node.unique.name} (default: the host name).")
    @Nullable
    String name;

    @Option(names = "--node-class", paramLabel = "CLASS", description = "$${node.class} (default: empty).")
    @Nullable
    String nodeClass;

    @Option(names = "--node-pool", paramLabel = "POOL", description = "$${node.pool} (default: default).")
    @Nullable
    String pool;

    @Option(
            names = "--datacenter",
            paramLabel = "DC",
            description = "$${node.datacenter} (default: the job's datacenter).")
    @Nullable
    String datacenter;

    @Option(
            names = "--node-attr",
            paramLabel = "KEY=VALUE",
            description = {
                "An attribute of the node, $${attr.KEY}, named without attr. (repeatable); wins over what the host"
                        + " says, e.g. --node-attr unique.platform.aws.public-ipv4=203.0.113.7."
            })
    List<String> attributes = List.of();

    @Option(names = "--node-meta", paramLabel = "KEY=VALUE", description = "Node meta, $${meta.KEY} (repeatable).")
    List<String> meta = List.of();

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
     * The node these options describe.
     *
     * @throws ParameterException naming the option when a value is not KEY=VALUE
     */
    NodeInfo node() {
        NodeInfo.Builder node =
                NodeInfo.builder().attributes(pairs("--node-attr", attributes)).meta(pairs("--node-meta", meta));
        if (name != null) {
            node.name(name);
        }
        if (nodeClass != null) {
            node.nodeClass(nodeClass);
        }
        if (pool != null) {
            node.pool(pool);
        }
        if (datacenter != null) {
            node.datacenter(datacenter);
        }
        for (String value : hostVolumes) {
            Volume v = volume("--host-volume", "NAME", value);
            node.hostVolume(v.name(), v.path(), v.readOnly());
        }
        for (String value : csiVolumes) {
            Volume v = volume("--csi-volume", "ID", value);
            node.csiVolume(v.name(), v.path(), v.readOnly());
        }
        return node.build();
    }

    private record Volume(String name, Path path, boolean readOnly) {}

    /** NAME=PATH[:ro] (ID=PATH[:ro] for a CSI volume) with an absolute PATH. */
    private Volume volume(String option, String key, String value) {
        Optional<KeyValue> pair = KeyValue.parse(value);
        String path = pair.map(KeyValue::value).orElse("");
        boolean readOnly = path.endsWith(":ro");
        if (readOnly) {
            path = path.substring(0, path.length() - ":ro".length());
        }
        if (pair.isEmpty() || !path.startsWith("/")) {
            throw new ParameterException(
                    command.commandLine(),
                    option + " " + value + ": expected " + key + "=PATH[:ro] with an absolute PATH, as in " + option
                            + " data=/srv/data:ro");
        }
        return new Volume(pair.get().key(), Path.of(path), readOnly);
    }

    private Map<String, String> pairs(String option, List<String> values) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String value : values) {
            KeyValue pair = KeyValue.parse(value)
                    .orElseThrow(() -> new ParameterException(
                            command.commandLine(),
                            option + " " + value + ": expected KEY=VALUE, as in " + option + " rack=r1"));
            pairs.put(pair.key(), pair.value());
        }
        return pairs;
    }
}
