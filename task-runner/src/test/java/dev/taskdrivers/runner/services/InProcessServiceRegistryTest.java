package dev.taskdrivers.runner.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InProcessServiceRegistryTest {
    private static final TaskId ID = new TaskId("a1", "job", "g", 0, "web");
    private static final List<Port> PORTS = List.of(new Port("http", 23456, "10.0.0.5"));

    private static TaskServices task(AddressMode mode, Optional<DriverNetwork> network) {
        return new TaskServices(
                ID,
                List.of(ServiceSpec.builder("web")
                        .tag("t")
                        .port("http")
                        .addressMode(mode)
                        .build()),
                "10.0.0.5",
                PORTS,
                network,
                null);
    }

    @Test
    void hostModeAdvertisesTheHostPortAndRemovalWithdrawsIt() {
        InProcessServiceRegistry registry = new InProcessServiceRegistry();
        registry.registerTask(task(
                AddressMode.HOST,
                Optional.of(DriverNetwork.builder()
                        .ip("172.17.0.2")
                        .port("http", 80)
                        .autoAdvertise(true)
                        .build())));

        assertThat(registry.services("web"))
                .singleElement()
                .satisfies(r -> assertThat(r.ip() + ":" + r.port()).isEqualTo("10.0.0.5:23456"));
        registry.removeTask(task(AddressMode.HOST, Optional.empty()));
        assertThat(registry.services()).isEmpty();
    }

    @Test
    void allocModeUsesTheHostAddressWithThePortsToElseItsHostPort() {
        DriverNetwork bridge =
                DriverNetwork.builder().ip("172.17.0.3").port("http", 8080).build();

        assertThat(ServiceAddress.resolve(AddressMode.ALLOC, "http", task(AddressMode.ALLOC, Optional.of(bridge))))
                .isEqualTo(new ServiceAddress("10.0.0.5", 8080));
        assertThat(ServiceAddress.resolve(AddressMode.ALLOC, "http", task(AddressMode.ALLOC, Optional.empty())))
                .isEqualTo(new ServiceAddress("10.0.0.5", 23456));
        assertThat(ServiceAddress.resolve(AddressMode.ALLOC, "9090", task(AddressMode.ALLOC, Optional.empty())))
                .isEqualTo(new ServiceAddress("10.0.0.5", 9090));
        assertThat(ServiceAddress.resolve(AddressMode.ALLOC, null, task(AddressMode.ALLOC, Optional.of(bridge))))
                .isEqualTo(new ServiceAddress("10.0.0.5", 0));
        assertThatThrownBy(() ->
                        ServiceAddress.resolve(AddressMode.ALLOC, "grpc", task(AddressMode.ALLOC, Optional.empty())))
                .hasMessageContaining("no port labelled grpc");
    }

    @Test
    void aPortNumberNoLabelNamesIsThatPortAtTheAddressOfEachMode() {
        DriverNetwork bridge =
                DriverNetwork.builder().ip("172.17.0.3").port("http", 8080).build();
        TaskServices task = task(AddressMode.HOST, Optional.of(bridge));

        assertThat(ServiceAddress.resolve(AddressMode.HOST, "9001", task))
                .isEqualTo(new ServiceAddress("10.0.0.5", 9001));
        assertThat(ServiceAddress.resolve(AddressMode.AUTO, "9001", task))
                .isEqualTo(new ServiceAddress("10.0.0.5", 9001));
        assertThat(ServiceAddress.resolve(AddressMode.DRIVER, "9001", task))
                .isEqualTo(new ServiceAddress("172.17.0.3", 9001));
        assertThatThrownBy(() -> ServiceAddress.resolve(AddressMode.HOST, "65536", task))
                .hasMessageContaining("no port labelled 65536");
    }

    @Test
    void autoModeFollowsTheDriversAutoAdvertiseAndDriverModeUsesTheMappedPort() {
        DriverNetwork advertised = DriverNetwork.builder()
                .ip("172.17.0.2")
                .port("http", 80)
                .autoAdvertise(true)
                .build();
        DriverNetwork bridge =
                DriverNetwork.builder().ip("172.17.0.3").port("http", 8080).build();

        assertThat(ServiceAddress.resolve(AddressMode.AUTO, "http", task(AddressMode.AUTO, Optional.of(advertised))))
                .isEqualTo(new ServiceAddress("172.17.0.2", 80));
        assertThat(ServiceAddress.resolve(AddressMode.AUTO, "http", task(AddressMode.AUTO, Optional.of(bridge))))
                .isEqualTo(new ServiceAddress("10.0.0.5", 23456));
        assertThat(ServiceAddress.resolve(AddressMode.DRIVER, "http", task(AddressMode.DRIVER, Optional.of(bridge))))
                .isEqualTo(new ServiceAddress("172.17.0.3", 8080));
        assertThatThrownBy(() ->
                        ServiceAddress.resolve(AddressMode.DRIVER, "http", task(AddressMode.DRIVER, Optional.empty())))
                .hasMessageContaining("driver network");
    }

    @Test
    void registeringATaskAgainReplacesItsServices() {
        InProcessServiceRegistry registry = new InProcessServiceRegistry();
        registry.registerTask(task(AddressMode.HOST, Optional.empty()));
        registry.registerTask(task(AddressMode.HOST, Optional.empty()));

        assertThat(registry.services()).hasSize(1);
    }

    @Test
    void anUnknownRegistryNameListsTheKnownOnesAndTheArtifact() {
        assertThatThrownBy(() -> ServiceRegistries.create("consul", Map.of(), new ClassLoader(null) {}))
                .hasMessageContaining("inprocess")
                .hasMessageContaining("dev.taskdrivers:consul-service");
        assertThat(ServiceRegistries.create("inprocess", Map.of(), getClass().getClassLoader()))
                .isInstanceOf(InProcessServiceRegistry.class);
    }

    @Test
    void twoHundredChecksShareTheRegistrysTwoThreads() throws Exception {
        InProcessServiceRegistry registry = new InProcessServiceRegistry();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                server.accept().close();
                            } catch (IOException e) {
                                return; // the server socket was closed at the end of the test
                            }
                        }
                    },
                    "test-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            List<Port> ports = List.of(new Port("tcp", server.getLocalPort(), "127.0.0.1"));
            for (int i = 0; i < 200; i++) {
                CheckSpec check = CheckSpec.tcp()
                        .name("c")
                        .interval(Duration.ofMillis(100))
                        .timeout(Duration.ofSeconds(1))
                        .build();
                registry.registerTask(new TaskServices(
                        new TaskId("a" + i, "job", "g", 0, "web"),
                        List.of(ServiceSpec.builder("svc")
                                .port("tcp")
                                .addressMode(AddressMode.HOST)
                                .check(check)
                                .build()),
                        "127.0.0.1",
                        ports,
                        Optional.empty(),
                        null));
            }

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.checks("svc").stream().allMatch(c -> c.health() == CheckHealth.PASSING));
            assertThat(Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().startsWith("service-checks-")))
                    .hasSizeLessThanOrEqualTo(2);
        } finally {
            registry.close();
        }
        assertThat(registry.checks()).isEmpty();
    }
}
