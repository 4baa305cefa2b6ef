package dev.taskdrivers.docker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares, on a background thread, the JSON mapping of the engine calls that start a task (image inspect,
 * container create, container inspect): the first use of each builds its (de)serializer from scratch, by reflection
 * over dozens of model classes, which a task's first start would otherwise wait for three times over. It never
 * talks to the engine: the client's own mapper (whose caches the client then uses) turns a made-up create request
 * into bytes and made-up answers into objects, starting while the client itself is being built.
 */
public final class EngineJsonWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(EngineJsonWarmup.class);
    /** The shape of the engine's answer to an image inspect, with made-up values. */
    private static final String IMAGE = """
            {"Id": "sha256:0", "RepoTags": ["i:1"], "RepoDigests": [], "Parent": "", "Comment": "",
             "Created": "2000-01-01T00:00:00Z", "Container": "", "ContainerConfig": {"Hostname": "", "User": "",
              "Env": null, "Cmd": null, "Image": "", "Volumes": null, "WorkingDir": "", "Entrypoint": null,
              "OnBuild": null, "Labels": null},
             "DockerVersion": "", "Author": "", "Config": {"Hostname": "", "Domainname": "", "User": "",
              "AttachStdin": false, "AttachStdout": false, "AttachStderr": false, "Tty": false, "OpenStdin": false,
              "StdinOnce": false, "Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Image": "", "Volumes": null,
              "WorkingDir": "", "Entrypoint": null, "OnBuild": null, "Labels": {"a": "b"}, "ExposedPorts": {"80/tcp": {}}},
             "Architecture": "amd64", "Os": "linux", "Size": 1, "VirtualSize": 1,
             "GraphDriver": {"Data": null, "Name": "overlay2"}, "RootFS": {"Type": "layers", "Layers": ["sha256:0"]},
             "Metadata": {"LastTagTime": "2000-01-01T00:00:00Z"}}
            """;
    /** The shape of an inspect answer for a container the driver started, with made-up values. */
    private static final String INSPECT = """
            {"Id": "0", "Created": "2000-01-01T00:00:00Z", "Path": "/bin/true", "Args": [],
             "State": {"Status": "exited", "Running": false, "Paused": false, "Restarting": false,
              "OOMKilled": false, "Dead": false, "Pid": 0, "ExitCode": 0, "Error": "",
              "StartedAt": "2000-01-01T00:00:00Z", "FinishedAt": "2000-01-01T00:00:00Z"},
             "Image": "sha256:0", "ResolvConfPath": "", "HostnamePath": "", "HostsPath": "", "LogPath": "",
             "Name": "/warmup", "RestartCount": 0, "Driver": "overlay2", "Platform": "linux", "MountLabel": "",
             "ProcessLabel": "", "AppArmorProfile": "", "ExecIDs": null,
             "HostConfig": {"Binds": ["/a:/alloc"], "LogConfig": {"Type": "json-file", "Config": {"max-size": "10m"}},
              "NetworkMode": "bridge", "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]},
              "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "AutoRemove": false, "CapAdd": null,
              "CapDrop": ["NET_RAW"], "Dns": [], "DnsOptions": [], "DnsSearch": [], "ExtraHosts": null,
              "OomScoreAdj": 0, "Privileged": false, "ShmSize": 67108864, "CpuShares": 100, "Memory": 314572800,
              "MemorySwap": 314572800, "PidsLimit": null, "Ulimits": null, "Devices": [], "MaskedPaths": ["/proc/kcore"]},
             "GraphDriver": {"Data": null, "Name": "overlay2"},
             "Mounts": [{"Type": "bind", "Source": "/a", "Destination": "/alloc", "Mode": "", "RW": true,
              "Propagation": "rprivate"}],
             "Config": {"Hostname": "0", "Domainname": "", "User": "", "AttachStdin": false, "AttachStdout": true,
              "AttachStderr": true, "ExposedPorts": {"80/tcp": {}}, "Tty": false, "OpenStdin": false,
              "StdinOnce": false, "Env": ["A=b"], "Cmd": ["/bin/true"], "Image": "i", "Volumes": null,
              "WorkingDir": "", "Entrypoint": null, "OnBuild": null, "Labels": {"a": "b"}, "StopTimeout": 5},
             "NetworkSettings": {"Bridge": "", "SandboxID": "0", "HairpinMode": false, "Ports": {},
              "SandboxKey": "", "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0,
              "MacAddress": "", "Networks": {"bridge": {"IPAMConfig": null, "Links": null, "Aliases": null,
              "NetworkID": "0", "EndpointID": "", "Gateway": "", "IPAddress": "172.17.0.2", "IPPrefixLen": 16,
              "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "",
              "DriverOpts": null}}}}
            """;

    private final ObjectMapper json;

    /** @param json the mapper the engine's client will read and write JSON with */
    public EngineJsonWarmup(ObjectMapper json) {
        this.json = json;
    }

    /** Starts the preparation on a daemon thread. */
    public void start() {
        Thread t = new Thread(this::prepare, "docker-driver-json-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** Prepares the mapping now; false when that failed (logged: only time is lost, the start builds it itself). */
    boolean prepare() {
        try (CreateContainerCmd create = new CreateContainerCmdImpl(EngineJsonWarmup::neverSent, null, "warmup")) {
            HostConfig host = HostConfig.newHostConfig()
                    .withNetworkMode("bridge")
                    .withPrivileged(false)
                    .withBinds(List.of(new Bind("/a", new Volume("/alloc"))))
                    .withMemory(1L)
                    .withMemorySwap(1L)
                    .withCpuShares(100)
                    .withCapDrop(Capability.NET_RAW)
                    .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m")));
            Ports ports = new Ports();
            ExposedPort port = ExposedPort.tcp(80);
            ports.bind(port, Ports.Binding.bindIpAndPort("127.0.0.1", 8080));
            host.withPortBindings(ports);
            create.withName("warmup")
                    .withLabels(Map.of("a", "b"))
                    .withEnv(List.of("A=b"))
                    .withCmd(List.of("/bin/true"))
                    .withTty(false)
                    .withStdinOpen(false)
                    .withStopTimeout(5)
                    .withExposedPorts(List.of(port))
                    .withHostConfig(host);
            // in the order a start needs them: a second thread building one waits for the first to finish it
            json.readValue(IMAGE, InspectImageResponse.class);
            json.writeValueAsBytes(create);
            json.readValue("{\"Id\": \"0\", \"Warnings\": []}", CreateContainerResponse.class);
            json.readValue(INSPECT, InspectContainerResponse.class);
            return true;
        } catch (Exception | LinkageError e) {
            LOG.debug("preparing the engine's JSON mapping failed", e);
            return false;
        }
    }

    private static CreateContainerResponse neverSent(CreateContainerCmd cmd) {
        throw new UnsupportedOperationException("a made-up create request is never sent");
    }
}
