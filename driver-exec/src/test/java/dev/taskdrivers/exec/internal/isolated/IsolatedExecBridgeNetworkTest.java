package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An exec task of a group in bridge network mode joins its allocation's network namespace, through the fork server
 * and through the shell supervisor, is reached through its host port, and so does a command executed in it; nothing
 * of the namespace is left after it is destroyed.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolatedExecBridgeNetworkTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String SERVER = "use IO::Socket::INET;"
            + " my $s = IO::Socket::INET->new(LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die \"listen: $!\";"
            + " while (my $c = $s->accept) { print $c \"hello from the namespace\\n\"; close $c }";

    @TempDir
    Path tempDir;

    @BeforeAll
    void requireHost() {
        IsolationHost.require();
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aTaskServesInsideItsAllocationsNamespaceThroughItsHostPort(boolean forkServer) throws Exception {
        Driver driver = new IsolatedExecDriverFactory()
                .create(new DriverContext(Map.of("fork_server", forkServer), tempDir.resolve("data-" + forkServer)));
        int inside = freePort();
        int hostPort = freePort();
        TaskId id = new TaskId("br" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        Files.createDirectories(dirs.secretsDir());
        Resources resources = new Resources(100, 64, List.of(new Port("http", hostPort, "127.0.0.1")));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "/usr/bin/perl");
        config.put("args", List.of("-e", SERVER, Integer.toString(inside)));
        config.put("port_map", Map.of("http", inside));
        TaskConfig task = new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                null,
                null);
        GroupNetwork network = driver.createGroupNetwork(GroupNetworkRequest.of(id.allocId(), List.of(task)));
        TaskHandle handle = null;
        TaskConfig ready = task;
        CreatedResources created = CreatedResources.empty();
        try {
            Map<String, Object> joined = new LinkedHashMap<>(config);
            joined.putAll(network.taskOptions());
            TaskConfig inGroup = task.withDriverConfig(joined);
            PrestartResult prestart = driver.prestart(inGroup, EventEmitter.NONE);
            assertThat(prestart.portMap()).containsEntry("http", inside);
            ready = inGroup.withEnv(TaskEnvironment.builder(id)
                    .dirs(dirs)
                    .resources(resources)
                    .overrides(prestart.envOverrides())
                    .build());
            StartResult result = driver.start(ready, EventEmitter.NONE);
            handle = result.handle();
            created = prestart.created().merge(result.created());

            await("the task answers on its host port")
                    .atMost(TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> readLine(hostPort).equals("hello from the namespace"));
            assertThatThrownBy(() -> readLine(inside)).isInstanceOf(ConnectException.class);
            String namespace = "net:[" + Files.getAttribute(Path.of("/run/netns/" + network.id()), "unix:ino") + "]";
            ExecResult exec = handle.exec(
                    ExecRequest.of(List.of("/bin/sh", "-c", "readlink /proc/self/ns/net"), Duration.ofSeconds(10)));
            assertThat(exec.exitCode()).as("exec %s", exec).isZero();
            assertThat(exec.stdout().strip()).isEqualTo(namespace);
        } finally {
            if (handle != null) {
                handle.stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
                handle.close();
                driver.cleanup(ready, created);
            }
            driver.destroyGroupNetwork(id.allocId());
            driver.close();
        }
        assertThat(Path.of("/run/netns/" + network.id())).doesNotExist();
        assertThat(run("iptables", "-w", "-t", "nat", "-S")).doesNotContain("taskdrivers:" + network.id());
        assertThat(run("ip", "-o", "link", "show")).doesNotContain("link-netns " + network.id());
    }

    private static String readLine(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            String line =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }
}
