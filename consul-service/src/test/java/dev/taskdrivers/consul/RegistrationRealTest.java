package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.grpc;
import static dev.taskdrivers.consul.Specs.http;
import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.script;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each check type registered in a real agent, and its health as the agent reports it. */
@Tag("real")
class RegistrationRealTest {
    private HttpServer web;
    private ServerSocket tcp;
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    private ConsulServiceRegistry registry;
    private String prefix;

    @BeforeEach
    void setUp() throws IOException {
        TestAgent.require();
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/health", exchange -> {
            requests.add(exchange.getRequestMethod() + " "
                    + exchange.getRequestHeaders().getFirst("X-Probe"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        web.start();
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!tcp.isClosed()) {
                try (Socket s = tcp.accept()) {
                    s.getInputStream().available();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        ConsulOptions options = TestAgent.options();
        prefix = options.idPrefix();
        registry = ConsulServiceRegistry.start(options);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (registry != null) {
            registry.close();
        }
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
        if (web != null) {
            web.stop(0);
        }
        if (tcp != null) {
            tcp.close();
        }
    }

    @Test
    void theRegistryRefusesUpFrontANameItWouldRefuseAtRegistration() {
        assertThat(registry.validate(service("web_api", "http")))
                .extracting(ValidationProblem::field)
                .containsExactly("name");
        assertThat(registry.validate(service("web-api", "http"))).isEmpty();
    }

    @Test
    void everyCheckTypeIsRegisteredAndReportsItsHealth() {
        TaskId id = taskId("web");
        TaskServices task = task(
                id,
                List.of(
                        port("http", web.getAddress().getPort()),
                        port("db", tcp.getLocalPort()),
                        port("rpc", freePort())),
                new ProcessTaskHandle(),
                service(
                        "web",
                        "http",
                        http("web-http", "/health", "POST", Map.of("X-Probe", List.of("yes"))),
                        script("web-script", Duration.ofSeconds(5), "sh", "-c", "echo all good")),
                service("db", "db", tcp("db-tcp")),
                service("rpc", "rpc", grpc("rpc-grpc")));
        registry.registerTask(task);

        String webId = registry.ids().taskService(id, "web", "http");
        String dbId = registry.ids().taskService(id, "db", "db");
        String rpcId = registry.ids().taskService(id, "rpc", "rpc");
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            Map<String, Map<String, Object>> services = TestAgent.services();
            assertThat(services).containsKeys(webId, dbId, rpcId);
            Map<String, Object> web = services.get(webId);
            assertThat(web)
                    .containsEntry("Service", "web")
                    .containsEntry("Address", "127.0.0.1")
                    .containsEntry("Port", this.web.getAddress().getPort())
                    .containsEntry("Tags", List.of("t1", "t2"))
                    .containsEntry("Meta", Map.of("k", "v"));
            Map<String, String> statusByName = statusByName(TestAgent.checks());
            assertThat(statusByName)
                    .containsEntry("web-http", "passing")
                    .containsEntry("web-script", "passing")
                    .containsEntry("db-tcp", "passing")
                    .containsEntry("rpc-grpc", "critical");
        });
        // the HTTP check used the method and header of the spec
        assertThat(requests).contains("POST yes");
        Map<String, Object> scriptCheck = TestAgent.checks().values().stream()
                .filter(c -> "web-script".equals(c.get("Name")))
                .findFirst()
                .orElseThrow();
        assertThat(scriptCheck.get("Output")).asString().contains("all good");
        assertThat(scriptCheck).containsEntry("ServiceID", webId);
        assertThat(registry.counters().services()).isEqualTo(3);
        assertThat(registry.counters().checks()).isEqualTo(4);

        registry.removeTask(task);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(TestAgent.services().keySet()).noneMatch(s -> s.startsWith(prefix));
            assertThat(TestAgent.checks().keySet()).noneMatch(s -> s.startsWith(prefix));
        });
    }

    @Test
    void aCustomAddressIsWhatTheCatalogShowsAndWhatTheServicesChecksProbe() throws IOException {
        // nothing listens on this port at the host address 127.0.0.1: a passing check probed the custom address
        try (ServerSocket custom = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"))) {
            Thread acceptor = new Thread(() -> {
                while (!custom.isClosed()) {
                    try (Socket s = custom.accept()) {
                        s.getInputStream().available();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            TaskId id = taskId("edge");
            String name = "edge-" + id.allocId().substring(0, 8);
            TaskServices task = task(
                    id,
                    List.of(port("http", custom.getLocalPort())),
                    new ProcessTaskHandle(),
                    ServiceSpec.builder(name)
                            .port("http")
                            .address("127.0.0.2")
                            .check(tcp("edge-tcp"))
                            .build());
            registry.registerTask(task);

            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(TestAgent.catalog(name))
                        .singleElement()
                        .satisfies(entry -> assertThat(entry)
                                .containsEntry("ServiceAddress", "127.0.0.2")
                                .containsEntry("ServicePort", custom.getLocalPort()));
                assertThat(statusByName(TestAgent.checks())).containsEntry("edge-tcp", "passing");
            });

            registry.removeTask(task);
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(TestAgent.catalog(name)).isEmpty());
        }
    }

    private static Map<String, String> statusByName(Map<String, Map<String, Object>> checks) {
        Map<String, String> result = new java.util.HashMap<>();
        checks.values().forEach(c -> result.put((String) c.get("Name"), (String) c.get("Status")));
        return result;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
