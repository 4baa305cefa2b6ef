package dev.taskdrivers.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.docker.internal.CapabilityPolicy;
import dev.taskdrivers.docker.internal.VolumeBinds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Fills a create-container command from a task: image, command, env, labels, limits, ports, mounts, options. */
final class ContainerSpec {
    static final String ALLOC_DIR = "/alloc";
    static final String LOCAL_DIR = "/local";
    static final String SECRETS_DIR = "/secrets";

    private ContainerSpec() {}

    /** The environment values a container sees for its directories (Nomad's docker driver does the same). */
    static Map<String, String> dirEnv() {
        return Map.of("NOMAD_ALLOC_DIR", ALLOC_DIR, "NOMAD_TASK_DIR", LOCAL_DIR, "NOMAD_SECRETS_DIR", SECRETS_DIR);
    }

    static void apply(CreateContainerCmd cmd, TaskConfig task, DockerTaskSettings s, ImageRef image) {
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        labels.putAll(DockerLabels.of(task.id(), image.canonical()));
        cmd.withName(DockerLabels.containerName(task.id()))
                .withImage(image.canonical())
                .withLabels(labels)
                .withEnv(task.env().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList())
                .withTty(s.tty())
                .withStdinOpen(s.interactive())
                // the engine's own shutdown (and `docker stop`) then waits as long as our stop does
                .withStopTimeout((int) Math.max(1, task.killTimeout().toSeconds()));
        if (!s.entrypoint().isEmpty()) {
            cmd.withEntrypoint(s.entrypoint());
        }
        // as in Nomad: command and args make the CMD, which the (image's or given) entrypoint runs
        List<String> command = new ArrayList<>();
        if (s.command() != null) {
            command.add(s.command());
        }
        command.addAll(s.args());
        if (!command.isEmpty()) {
            cmd.withCmd(command);
        }
        if (s.hostname() != null) {
            cmd.withHostName(s.hostname());
        }
        if (s.workDir() != null) {
            cmd.withWorkingDir(s.workDir());
        }
        if (task.user() != null) {
            cmd.withUser(task.user());
        }
        if (!s.networkAliases().isEmpty()) {
            cmd.withAliases(s.networkAliases());
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(s.networkMode())
                .withPrivileged(s.privileged())
                .withBinds(binds(task, s));
        s.limits().applyTo(host, task.resources());
        s.isolation().applyTo(cmd, host);
        s.network().applyTo(cmd, host);
        if (s.volumeDriver() != null) {
            host.withVolumeDriver(s.volumeDriver());
        }
        List<Mount> mounts = new ArrayList<>(mounts(task, s));
        mounts.addAll(VolumeBinds.of(task.mounts()));
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        if (!s.dnsServers().isEmpty()) {
            host.withDns(s.dnsServers());
        }
        if (!s.dnsSearchDomains().isEmpty()) {
            host.withDnsSearch(s.dnsSearchDomains());
        }
        if (!s.extraHosts().isEmpty()) {
            host.withExtraHosts(s.extraHosts().toArray(String[]::new));
        }
        List<Capability> adds = s.capAdd().stream().map(CapabilityPolicy::parse).toList();
        List<Capability> drops =
                s.capDrop().stream().map(CapabilityPolicy::parse).toList();
        if (!adds.isEmpty()) {
            host.withCapAdd(adds.toArray(Capability[]::new));
        }
        // a privileged container has every capability by the operator's leave; others lose the unallowed defaults
        Set<Capability> allDrops =
                s.privileged() ? new LinkedHashSet<>(drops) : s.capabilities().drops(adds, drops);
        if (!allDrops.isEmpty()) {
            host.withCapDrop(allDrops.toArray(Capability[]::new));
        }
        if (!s.securityOpt().isEmpty()) {
            host.withSecurityOpts(s.securityOpt());
        }
        if (s.shmSize() > 0) {
            host.withShmSize(s.shmSize());
        }
        if (s.logging() != null) {
            host.withLogConfig(new LogConfig(
                    LogConfig.LoggingType.fromValue(s.logging().type()),
                    s.logging().config()));
        } else {
            host.withLogConfig(engineLogCap(task));
        }
        if (publishesPorts(s.networkMode())) {
            Ports ports = new Ports();
            List<ExposedPort> exposed = new ArrayList<>();
            for (Port port : task.resources().ports()) {
                if (!s.network().publishes(port.label())) {
                    continue;
                }
                int inside = s.portMap().getOrDefault(port.label(), port.value());
                for (ExposedPort e : List.of(ExposedPort.tcp(inside), ExposedPort.udp(inside))) {
                    exposed.add(e);
                    ports.bind(e, Ports.Binding.bindIpAndPort(port.hostIp(), port.value()));
                }
            }
            cmd.withExposedPorts(exposed);
            host.withPortBindings(ports);
        }
        cmd.withHostConfig(host);
    }

    /** Host, none and container:&lt;id&gt; networks share or have no ports to publish. */
    /** Files the engine keeps of a container's own json-file log when the task sets no logging. */
    static final int ENGINE_LOG_FILES = 2;

    /**
     * The engine's own log of the container, capped: the driver copies the output into the task's log files, so the
     * engine needs only enough to cover a runner restart ({@value #ENGINE_LOG_FILES} files of the task's
     * {@code max_file_size}); uncapped it would grow without bound.
     */
    static LogConfig engineLogCap(TaskConfig task) {
        return new LogConfig(
                LogConfig.LoggingType.JSON_FILE,
                Map.of("max-size", task.logs().maxFileSizeMb() + "m", "max-file", Integer.toString(ENGINE_LOG_FILES)));
    }

    static boolean publishesPorts(String networkMode) {
        String m = networkMode.toLowerCase(Locale.ROOT);
        return !m.equals("host") && !m.equals("none") && !m.startsWith("container:");
    }

    private static List<Bind> binds(TaskConfig task, DockerTaskSettings s) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(task.dirs().allocDir().toString(), new Volume(ALLOC_DIR)));
        binds.add(new Bind(task.dirs().localDir().toString(), new Volume(LOCAL_DIR)));
        binds.add(new Bind(task.dirs().secretsDir().toString(), new Volume(SECRETS_DIR)));
        for (String v : s.volumes()) {
            String[] parts = v.split(":", 2);
            String label =
                    s.selinuxLabel() == null ? "" : (parts[1].matches(".*:(ro|rw)") ? "," : ":") + s.selinuxLabel();
            binds.add(Bind.parse(hostPath(task, parts[0]) + ":" + parts[1] + label));
        }
        return binds;
    }

    private static List<Mount> mounts(TaskConfig task, DockerTaskSettings s) {
        return s.mounts().stream()
                .map(m -> m.toDocker(path -> bindSource(task, path)))
                .toList();
    }

    /** A bind mount's source: a relative path, even a bare name, is in the task directory, as in Nomad. */
    private static String bindSource(TaskConfig task, String path) {
        return path.startsWith("/")
                ? path
                : task.dirs().taskDir().resolve(Path.of(path)).normalize().toString();
    }

    /** Relative host paths are relative to the task directory, as in Nomad; names without '/' are volumes. */
    private static String hostPath(TaskConfig task, String path) {
        if (path.startsWith("/") || !path.contains("/") && !path.startsWith(".")) {
            return path;
        }
        return task.dirs().taskDir().resolve(Path.of(path)).normalize().toString();
    }
}
