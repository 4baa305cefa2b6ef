package dev.taskdrivers.runner.internal.interpolation;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@code attr.*}, {@code node.*} and {@code meta.*} values: found on this host once, then the
 * embedder's {@link NodeInfo} on top. {@code attr.driver.NAME} (and the driver's fingerprint attributes, such as
 * {@code attr.driver.docker.version}) are asked of the driver only when a spec refers to them, since fingerprinting
 * creates the driver.
 */
public final class NodeVariables {
    private static final Logger LOG = LoggerFactory.getLogger(NodeVariables.class);

    private final Map<String, String> fixed;
    private final NodeInfo node;
    private final @Nullable DriverRegistry drivers;
    private final Map<String, Optional<Fingerprint>> fingerprints = new ConcurrentHashMap<>();

    /**
     * @param node what the embedder said about the node
     * @param hostIp the runner's host address, {@code attr.unique.network.ip-address}
     * @param drivers asked for {@code attr.driver.*}; {@code null} for none
     */
    public NodeVariables(NodeInfo node, String hostIp, @Nullable DriverRegistry drivers) {
        this.drivers = drivers;
        this.node = node;
        Map<String, String> values = new LinkedHashMap<>();
        String hostname = hostname();
        String name = node.name() != null ? node.name() : hostname;
        values.put("node.unique.name", name);
        values.put("node.unique.id", node.idOr(name));
        values.put("node.class", node.nodeClass());
        values.put("node.pool", node.pool());
        if (node.datacenter() != null) {
            values.put("node.datacenter", node.datacenter());
        }
        values.put("attr.kernel.name", System.getProperty("os.name").toLowerCase(Locale.ROOT));
        values.put(
                "attr.kernel.version",
                firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")));
        values.put("attr.cpu.arch", arch(System.getProperty("os.arch")));
        values.put("attr.cpu.numcores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        memoryBytes().ifPresent(bytes -> values.put("attr.memory.totalbytes", Long.toString(bytes)));
        values.put("attr.unique.hostname", hostname);
        values.put("attr.unique.network.ip-address", hostIp);
        osRelease(values);
        node.attributes().forEach((k, v) -> values.put("attr." + k, v));
        node.meta().forEach((k, v) -> values.put("meta." + k, v));
        this.fixed = Map.copyOf(values);
    }

    /** What the embedder said about the node, e.g. its volumes. */
    public NodeInfo node() {
        return node;
    }

    /** The value of {@code name} (e.g. {@code attr.kernel.name}) for a job in {@code jobDatacenter}. */
    public Optional<String> get(String name, String jobDatacenter) {
        String value = fixed.get(name);
        if (value != null) {
            return Optional.of(value);
        }
        if (name.equals("node.datacenter")) {
            return Optional.of(jobDatacenter);
        }
        if (name.startsWith("attr.driver.")) {
            return driver(name.substring("attr.".length()));
        }
        return Optional.empty();
    }

    /** {@code driver.NAME}: "1" for a healthy driver; {@code driver.NAME.X}: its fingerprint attribute. */
    private Optional<String> driver(String key) {
        String rest = key.substring("driver.".length());
        int dot = rest.indexOf('.');
        String driver = dot < 0 ? rest : rest.substring(0, dot);
        Optional<Fingerprint> fp = fingerprints.computeIfAbsent(driver, this::fingerprint);
        if (fp.isEmpty() || !fp.get().isHealthy()) {
            return Optional.empty();
        }
        return dot < 0
                ? Optional.of("1")
                : Optional.ofNullable(fp.get().attributes().get(key));
    }

    private Optional<Fingerprint> fingerprint(String driver) {
        if (drivers == null || !drivers.has(driver)) {
            return Optional.empty();
        }
        try {
            return Optional.of(drivers.driver(driver).fingerprint());
        } catch (RuntimeException e) {
            LOG.warn("fingerprinting driver {} for attr.driver.{} failed: {}", driver, driver, e.toString());
            return Optional.empty();
        }
    }

    /** Nomad names architectures as Go does. */
    static String arch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> javaArch;
        };
    }

    private static String hostname() {
        return firstLine(Path.of("/proc/sys/kernel/hostname"))
                .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
                .orElse("localhost");
    }

    private static Optional<Long> memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String kb = line.substring("MemTotal:".length())
                            .replace("kB", "")
                            .strip();
                    return Optional.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no such attribute
        }
        return Optional.empty();
    }

    /** {@code attr.os.name} and {@code attr.os.version} from {@code /etc/os-release}, as Nomad reports them. */
    private static void osRelease(Map<String, String> values) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("ID=")) {
                    values.put("attr.os.name", unquote(line.substring(3)));
                } else if (line.startsWith("VERSION_ID=")) {
                    values.put("attr.os.version", unquote(line.substring("VERSION_ID=".length())));
                }
            }
        } catch (IOException e) {
            // no os-release: no such attributes
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::strip);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
