package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.docker.DockerDriverFactory;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker task started through the docker driver, advertised in the real agent with {@code address_mode = driver}:
 * Consul gets the container's own address and the mapped container port, and its HTTP check reaches the container
 * there. The engine and the agent are observed through the docker command line and the agent's HTTP API, not
 * through the code under test.
 */
@Tag("real")
class DockerDriverAddressRealTest {
    private static final String IMAGE = "taskdrivers-test/busybox:1";
    private static final int CONTAINER_PORT = 8080;

    @TempDir
    Path root;

    private Driver driver;
    private ConsulServiceRegistry registry;
    private String prefix;
    private final List<String> containers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestAgent.require();
        RealEnvironment.require(
                docker("image", "inspect", IMAGE).exit() == 0,
                "a Docker engine with the test image " + IMAGE + " (run scripts/start-services.sh)");
        // images stay: the test image is shared with other suites
        driver = new DockerDriverFactory()
                .create(new DriverContext(Map.of("image_gc", Map.of("enabled", false)), root.resolve("data")));
        ConsulOptions options = TestAgent.options();
        prefix = options.idPrefix();
        registry = ConsulServiceRegistry.start(options);
    }

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
        for (String id : containers) {
            docker("rm", "-f", id); // only after a failure: the test removes its container itself
        }
        if (driver != null) {
            driver.close();
        }
    }

    /** A started httpd container serving the task's {@code local/} directory on {@link #CONTAINER_PORT}. */
    private record Httpd(TaskId id, Port hostPort, TaskConfig task, PrestartResult prestart, StartResult started) {
        String containerId() {
            return started.created().get("container").get(0);
        }
    }

    private Httpd startHttpd() throws Exception {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 12), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(root.resolve(id.allocId()), "web");
        for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
            Files.createDirectories(p);
        }
        Files.writeString(dirs.localDir().resolve("index.html"), "hello from the container\n");
        Port hostPort = new Port("http", freePort(), "127.0.0.1");
        TaskConfig task = new TaskConfig(
                id,
                Map.of(
                        "image",
                        IMAGE,
                        "command",
                        "/bin/httpd",
                        "args",
                        List.of("-f", "-p", String.valueOf(CONTAINER_PORT), "-h", "/local"),
                        "port_map",
                        Map.of("http", CONTAINER_PORT)),
                Map.of(),
                new Resources(100, 64, List.of(hostPort)),
                dirs,
                null,
                Duration.ofSeconds(2),
                null);

        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig withEnv = task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(task.resources())
                .portMap(prestart.portMap())
                .overrides(prestart.envOverrides())
                .build());
        StartResult started = driver.start(withEnv, EventEmitter.NONE);
        Httpd httpd = new Httpd(id, hostPort, withEnv, prestart, started);
        containers.add(httpd.containerId());
        return httpd;
    }

    /** Stops and cleans up the container, then checks it is gone. */
    private void stop(Httpd httpd) throws Exception {
        // httpd runs as pid 1, which ignores SIGTERM: kill it outright rather than wait out the timeout
        httpd.started().handle().stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
        driver.cleanup(
                httpd.task(), httpd.prestart().created().merge(httpd.started().created()));
        httpd.started().handle().close();
        assertThat(docker("ps", "-aq", "--no-trunc", "--filter", "id=" + httpd.containerId())
                        .out())
                .as("the task's container after cleanup")
                .isEmpty();
        containers.remove(httpd.containerId());
    }

    @Test
    void allocModeAdvertisesTheHostAddressWithThePortsTo() throws Exception {
        Httpd httpd = startHttpd();
        ServiceSpec web = ServiceSpec.builder("web")
                .port("http")
                .addressMode(AddressMode.ALLOC)
                .build();
        TaskServices services = new TaskServices(
                httpd.id(),
                List.of(web),
                httpd.hostPort().hostIp(),
                List.of(httpd.hostPort()),
                httpd.started().network(),
                httpd.started().handle());
        registry.registerTask(services);

        String serviceId = registry.ids().taskService(httpd.id(), "web", "http");
        await().atMost(15, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(TestAgent.services().get(serviceId))
                        .as("service %s in the agent", serviceId)
                        .isNotNull()
                        .containsEntry("Address", httpd.hostPort().hostIp())
                        .containsEntry("Port", CONTAINER_PORT));

        registry.removeTask(services);
        await().atMost(15, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(TestAgent.services().keySet()).noneMatch(s -> s.startsWith(prefix)));
        stop(httpd);
    }

    @Test
    void serviceAddressIsTheContainersAndItsCheckPassesThere() throws Exception {
        Httpd httpd = startHttpd();
        TaskId id = httpd.id();
        Port hostPort = httpd.hostPort();
        StartResult started = httpd.started();
        String containerId = httpd.containerId();

        String containerIp = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", containerId)
                .out();
        assertThat(containerIp)
                .as("the container's address on the default bridge")
                .isNotBlank()
                .isNotEqualTo(hostPort.hostIp());
        DriverNetwork network = started.network().orElseThrow();
        assertThat(network.ip()).isEqualTo(containerIp);

        ServiceSpec web = ServiceSpec.builder("web")
                .tag("docker")
                .port("http")
                .addressMode(AddressMode.DRIVER)
                .check(CheckSpec.http("/index.html")
                        .name("web-alive")
                        .interval(Duration.ofMillis(500))
                        .timeout(Duration.ofSeconds(2)))
                .build();
        TaskServices services = new TaskServices(
                id, List.of(web), hostPort.hostIp(), List.of(hostPort), started.network(), started.handle());
        registry.registerTask(services);

        String serviceId = registry.ids().taskService(id, "web", "http");
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            Map<String, Object> service = TestAgent.services().get(serviceId);
            assertThat(service)
                    .as("service %s in the agent", serviceId)
                    .isNotNull()
                    .containsEntry("Service", "web")
                    .containsEntry("Address", containerIp)
                    .containsEntry("Port", CONTAINER_PORT);
            Map<String, Object> check = checkOf(serviceId);
            assertThat(check).as("the service's check").isNotNull();
            assertThat(check.get("Status"))
                    .as("check output: %s", check.get("Output"))
                    .isEqualTo("passing");
        });
        // the agent probed the container itself, not the port published on the host
        assertThat((String) checkOf(serviceId).get("Output"))
                .contains(containerIp + ":" + CONTAINER_PORT)
                .doesNotContain(":" + hostPort.value());

        registry.removeTask(services);
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(TestAgent.services().keySet()).noneMatch(s -> s.startsWith(prefix));
            assertThat(TestAgent.checks().keySet()).noneMatch(s -> s.startsWith(prefix));
        });
        stop(httpd);
    }

    private static Map<String, Object> checkOf(String serviceId) {
        return TestAgent.checks().values().stream()
                .filter(c -> serviceId.equals(c.get("ServiceID")))
                .findFirst()
                .orElse(null);
    }

    private record Run(int exit, String out) {}

    /** Runs the docker command line; its output without surrounding whitespace. */
    private static Run docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " did not finish in 30 s");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            return new Run(-1, e.getMessage()); // no docker command: the engine counts as missing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
