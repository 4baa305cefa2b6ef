package dev.taskdrivers.docker;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.Redaction;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.docker.internal.CapabilityPolicy;
import dev.taskdrivers.docker.internal.ContainerIsolation;
import dev.taskdrivers.docker.internal.HclShapes;
import dev.taskdrivers.docker.internal.HostPathRule;
import dev.taskdrivers.docker.internal.ImageTarball;
import dev.taskdrivers.docker.internal.NetworkOptions;
import dev.taskdrivers.docker.internal.ResourceLimits;
import dev.taskdrivers.docker.internal.TaskMount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A docker task's {@code config} block, checked. Built by {@link #read}, which collects every problem.
 *
 * @param image the image reference
 * @param entrypoint replaces the image's entrypoint when not empty
 * @param command the container's command, run by the image's entrypoint (or by {@code entrypoint}), or null
 * @param args arguments to {@code command}; without a command they replace the image's CMD
 * @param portMap port label to the port inside the container
 * @param networkMode bridge (default), host, none, container:&lt;id&gt; or a user-defined network
 * @param networkAliases aliases on a user-defined network
 * @param labels extra container labels (ours cannot be overridden)
 * @param volumes {@code host:container[:ro]} binds; only when the operator enabled volumes
 * @param mounts {@code mount} and {@code mounts} entries; only when the operator enabled volumes
 * @param auth registry credentials, or null
 * @param forcePull pull even when the image is present
 * @param dnsServers DNS servers
 * @param dnsSearchDomains DNS search domains
 * @param extraHosts {@code host:ip} entries for /etc/hosts
 * @param hostname the container's hostname, or null
 * @param workDir the working directory, or null
 * @param privileged privileged mode; only when the operator allows it
 * @param capAdd capabilities to add, each one the operator's {@code allow_caps} allows
 * @param capDrop capabilities to drop
 * @param securityOpt security options
 * @param shmSize size of /dev/shm in bytes, 0 for the engine's default
 * @param logging the log driver, or null for the engine's default
 * @param tty allocate a terminal
 * @param interactive keep stdin open
 * @param imagePullTimeout the total time the pull may take, or null for the driver's default
 * @param limits memory, cpu, pids, rlimit and storage limits beyond the task's resources
 * @param isolation namespace modes, runtime, devices and the other ways the container is set apart
 * @param network the ports to publish, DNS options and fixed addresses
 * @param volumeDriver the driver of the named volumes in {@code volumes}, or null for the engine's default
 * @param selinuxLabel the operator's SELinux label (z or Z) for {@code volumes} binds, or null
 * @param capabilities the operator's {@code allow_caps}, whose unallowed engine defaults are dropped
 * @param load an image archive in the task's local/ directory to load instead of pulling, or null
 * @param authSoftFail whether a failure to find registry credentials lets the pull go on without them
 */
record DockerTaskSettings(
        String image,
        List<String> entrypoint,
        @Nullable String command,
        List<String> args,
        Map<String, Integer> portMap,
        String networkMode,
        List<String> networkAliases,
        Map<String, String> labels,
        List<String> volumes,
        List<TaskMount> mounts,
        @Nullable RegistryCredentials auth,
        boolean forcePull,
        List<String> dnsServers,
        List<String> dnsSearchDomains,
        List<String> extraHosts,
        @Nullable String hostname,
        @Nullable String workDir,
        boolean privileged,
        List<String> capAdd,
        List<String> capDrop,
        List<String> securityOpt,
        long shmSize,
        @Nullable LoggingSpec logging,
        boolean tty,
        boolean interactive,
        @Nullable Duration imagePullTimeout,
        ResourceLimits limits,
        ContainerIsolation isolation,
        NetworkOptions network,
        @Nullable String volumeDriver,
        @Nullable String selinuxLabel,
        CapabilityPolicy capabilities,
        @Nullable String load,
        boolean authSoftFail) {

    private static final Pattern VOLUME = Pattern.compile("[^:]+:/[^:]*(:(ro|rw))?");
    private static final Pattern EXTRA_HOST = Pattern.compile("[^:\\s]+:[0-9a-fA-F.:]+");
    /** The objects Nomad's HCL may hand over as lists of objects. */
    private static final List<String> HCL_OBJECTS = List.of(
            "labels",
            "port_map",
            "auth",
            "logging.config",
            "ulimit",
            "sysctl",
            "storage_opt",
            "healthchecks",
            "mounts[].bind_options",
            "mounts[].volume_options.driver_config.options",
            "mounts[].volume_options.labels",
            "mounts[].tmpfs_options",
            "mount[].bind_options",
            "mount[].volume_options.driver_config.options",
            "mount[].volume_options.labels",
            "mount[].tmpfs_options");

    /** The container's log driver. */
    record LoggingSpec(String type, Map<String, String> config) {}

    /** The outcome of reading a config block: the settings when there were no problems. */
    record Read(@Nullable DockerTaskSettings settings, List<ValidationProblem> problems) {

        /** The settings; throws the problems when there were some. */
        DockerTaskSettings valid() {
            if (settings == null) {
                throw new ValidationException(problems);
            }
            return settings;
        }
    }

    /** Reads and checks {@code config} against what the operator allows, without the task's resources. */
    static Read read(Map<String, Object> config, DockerDriverOptions options) {
        return read(config, options, null);
    }

    /**
     * Reads and checks {@code config} against what the operator allows in {@code options} and, when not null, the
     * task's {@code resources} (port labels, memory).
     */
    static Read read(Map<String, Object> rawConfig, DockerDriverOptions options, @Nullable Resources resources) {
        Map<String, Object> config = HclShapes.fold(rawConfig, HCL_OBJECTS);
        ConfigReader r = new ConfigReader(config, "config");
        String image = r.requiredString("image");
        if (image != null && !image.isBlank()) {
            try {
                ImageRef.parse(image);
            } catch (IllegalArgumentException e) {
                r.problem("image", Objects.requireNonNullElse(e.getMessage(), "is not an image reference"));
            }
        }
        List<String> entrypoint = r.stringList("entrypoint");
        String command = r.optionalString("command");
        if (command != null && command.isBlank()) {
            r.problem("command", "must not be empty");
        }
        List<String> args = r.stringList("args");
        Map<String, Integer> portMap = r.portMap("port_map");
        String networkMode = r.string("network_mode", "bridge");
        if (networkMode.isBlank()) {
            r.problem("network_mode", "must not be empty");
        }
        List<String> aliases = r.stringList("network_aliases");
        if (!aliases.isEmpty() && Set.of("bridge", "host", "none", "default").contains(networkMode)) {
            r.problem(
                    "network_aliases", "only work on a user-defined network, not network_mode \"" + networkMode + "\"");
        }
        Map<String, String> labels = r.stringMap("labels");
        labels.keySet().stream()
                .filter(k -> k.startsWith(DockerLabels.PREFIX))
                .forEach(k -> r.problem("labels." + k, "is reserved for the driver"));
        List<String> volumes = r.stringList("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            if (!VOLUME.matcher(volumes.get(i)).matches()) {
                r.problem(
                        "volumes[" + i + "]",
                        "must be \"host_path:/container/path\" with an optional \":ro\", got \"" + volumes.get(i)
                                + "\"");
            }
        }
        List<TaskMount> mountEntries = TaskMount.readAll(r, config, "mount");
        List<TaskMount> mountsEntries = TaskMount.readAll(r, config, "mounts");
        List<TaskMount> mounts = new ArrayList<>(mountEntries);
        mounts.addAll(mountsEntries);
        String volumeDriver = r.optionalString("volume_driver");
        if (!options.volumesEnabled()) {
            // as in Nomad, binds inside the task's own allocation need no operator consent
            HostPathRule.checkVolumes(r, volumes);
            HostPathRule.checkMounts(r, "mount", mountEntries);
            HostPathRule.checkMounts(r, "mounts", mountsEntries);
            if (config.get("volume_driver") != null) {
                r.problem(
                        "volume_driver", "volumes are disabled by the driver configuration (volumes.enabled = false)");
            }
        }
        RegistryCredentials auth = readAuth(r, image);
        boolean forcePull = r.bool("force_pull", false);
        List<String> dns = r.stringList("dns_servers");
        List<String> dnsSearch = r.stringList("dns_search_domains");
        List<String> extraHosts = r.stringList("extra_hosts");
        for (int i = 0; i < extraHosts.size(); i++) {
            if (!EXTRA_HOST.matcher(extraHosts.get(i)).matches()) {
                r.problem("extra_hosts[" + i + "]", "must be \"hostname:ip\", got \"" + extraHosts.get(i) + "\"");
            }
        }
        String hostname = r.optionalString("hostname");
        String workDir = r.optionalString("work_dir");
        if (workDir != null && !workDir.startsWith("/")) {
            r.problem("work_dir", "must be an absolute path, got \"" + workDir + "\"");
        }
        boolean privileged = r.bool("privileged", false);
        if (privileged && !options.allowPrivileged()) {
            r.problem("privileged", "is not allowed by the driver configuration (allow_privileged = false)");
        }
        List<String> capAdd = r.stringList("cap_add");
        List<String> capDrop = r.stringList("cap_drop");
        checkCapabilities(r, "cap_drop", capDrop, null);
        checkCapabilities(r, "cap_add", capAdd, options.allowCaps());
        List<String> securityOpt = r.stringList("security_opt");
        long shmSize = r.integer("shm_size", 0, 0, Long.MAX_VALUE);
        LoggingSpec logging = readLogging(r);
        boolean tty = r.bool("tty", false);
        boolean interactive = r.bool("interactive", false);
        Duration pullTimeout = r.optionalDuration("image_pull_timeout");
        if (pullTimeout != null && pullTimeout.isZero()) {
            r.problem("image_pull_timeout", "must be more than 0");
        }
        ResourceLimits limits = ResourceLimits.read(r, resources, options.pidsLimit());
        ContainerIsolation isolation = ContainerIsolation.read(
                r,
                config,
                options.allowPrivileged(),
                options.allowRuntimes(),
                options.endpoint().startsWith("npipe://"));
        NetworkOptions network = NetworkOptions.read(r, resources, networkMode);
        String load = r.optionalString("load");
        String loadProblem = load == null ? null : ImageTarball.check(load);
        if (loadProblem != null) {
            r.problem("load", loadProblem);
        }
        boolean authSoftFail = r.bool("auth_soft_fail", false);
        List<ValidationProblem> problems = r.problems();
        if (image == null || !problems.isEmpty()) { // a missing image is one of the problems
            return new Read(null, problems);
        }
        return new Read(
                new DockerTaskSettings(
                        image.strip(),
                        entrypoint,
                        command,
                        args,
                        portMap,
                        networkMode,
                        aliases,
                        labels,
                        volumes,
                        mounts,
                        auth,
                        forcePull,
                        dns,
                        dnsSearch,
                        extraHosts,
                        hostname,
                        workDir,
                        privileged,
                        capAdd,
                        capDrop,
                        securityOpt,
                        shmSize,
                        logging,
                        tty,
                        interactive,
                        pullTimeout,
                        limits,
                        isolation,
                        network,
                        volumeDriver,
                        options.selinuxLabel(),
                        options.allowCaps(),
                        load,
                        authSoftFail),
                List.of());
    }

    private static @Nullable RegistryCredentials readAuth(ConfigReader r, @Nullable String image) {
        if (!r.has("auth")) {
            return null;
        }
        ConfigReader a = r.nested("auth");
        String username = a.requiredString("username");
        String password = a.requiredString("password");
        String server = a.optionalString("server_address");
        r.include(a);
        if (server == null && image != null) {
            try {
                server = ImageRef.parse(image).registry();
            } catch (IllegalArgumentException e) {
                server = null;
            }
        }
        // each one missing is a problem already (a registry that cannot be told is a problem of image)
        return username == null || password == null || server == null
                ? null
                : new RegistryCredentials(username, password, server);
    }

    private static @Nullable LoggingSpec readLogging(ConfigReader r) {
        if (!r.has("logging")) {
            return null;
        }
        ConfigReader l = r.nested("logging");
        String type = l.requiredString("type");
        Map<String, String> config = l.stringMap("config");
        if (type != null && !type.isBlank() && !knownLogDriver(type)) {
            l.problem("type", "is not a log driver the engine knows: \"" + type + "\"");
        }
        r.include(l);
        return type == null ? null : new LoggingSpec(type, config);
    }

    private static boolean knownLogDriver(String type) {
        try {
            return com.github.dockerjava.api.model.LogConfig.LoggingType.fromValue(type) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Each entry must be a capability and, when {@code policy} is given, one the operator allows. */
    private static void checkCapabilities(
            ConfigReader r, String key, List<String> caps, @Nullable CapabilityPolicy policy) {
        for (int i = 0; i < caps.size(); i++) {
            var capability = CapabilityPolicy.parse(caps.get(i));
            if (capability == null) {
                r.problem(key + "[" + i + "]", "is not a Linux capability: \"" + caps.get(i) + "\"");
            } else if (policy != null && !policy.allows(capability)) {
                r.problem(
                        key + "[" + i + "]",
                        "\"" + caps.get(i) + "\" is not allowed by the driver configuration;" + " tasks may add: "
                                + policy.describe() + " (allow_caps)");
            }
        }
    }

    @Override
    public String toString() {
        return "DockerTaskSettings[image=" + image + ", entrypoint=" + entrypoint + ", command=" + command
                + ", args=" + args + ", portMap=" + portMap
                + ", networkMode=" + networkMode + ", auth=" + (auth == null ? null : auth) + ", labels="
                + Redaction.redact(labels) + "]";
    }
}
