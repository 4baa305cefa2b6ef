package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.ServiceSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nomad's {@code address_mode = "alloc"} for a service and its check: read from every format and advertised at the
 * allocation's address, which is the runner's host address, with the host port when the port has no {@code to}.
 */
class AllocAddressModeTest {
    private static final String SDK_JSON = """
            {"job": {"name": "edge", "groups": [{"name": "g", "tasks": [{"name": "web", "driver": "fake",
              "config": {"run_ms": -1}, "resources": {"ports": {"http": {"static": PORT}}},
              "services": [{"name": "edge-web", "port": "http", "address_mode": "alloc",
                "checks": [{"name": "up", "type": "tcp", "address_mode": "alloc", "interval": "200ms",
                  "timeout": "1s"}]}]}]}]}}
            """;
    private static final String JOB_FILE = """
            job "edge" {
              group "g" {
                network {
                  port "http" {
                    static = PORT
                  }
                }
                task "web" {
                  driver = "fake"
                  config {
                    run_ms = -1
                  }
                  service {
                    name         = "edge-web"
                    port         = "http"
                    address_mode = "alloc"
                    check {
                      name         = "up"
                      type         = "tcp"
                      address_mode = "alloc"
                      interval     = "200ms"
                      timeout      = "1s"
                    }
                  }
                }
              }
            }
            """;
    private static final String API_JSON = """
            {"Job": {"ID": "edge", "Name": "edge", "TaskGroups": [{"Name": "g",
              "Networks": [{"ReservedPorts": [{"Label": "http", "Value": PORT}]}],
              "Tasks": [{"Name": "web", "Driver": "fake", "Config": {"run_ms": -1},
                "Services": [{"Name": "edge-web", "PortLabel": "http", "AddressMode": "alloc",
                  "Checks": [{"Name": "up", "Type": "tcp", "AddressMode": "alloc", "Interval": 200000000,
                    "Timeout": 1000000000}]}]}]}]}}
            """;

    @TempDir
    Path root;

    final FakeDriver fake = new FakeDriver();
    final InProcessServiceRegistry registry = new InProcessServiceRegistry();
    TaskRunner runner;
    ServerSocket listener;

    @BeforeEach
    void setUp() throws Exception {
        // the service's port is a fixed one this test listens on, so the check can reach what it advertises
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(List.of(new FakeDriverFactory(fake)), root.resolve("drivers"), Map.of()))
                .serviceRegistry(registry)
                .hostIp("127.0.0.1")
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
        listener.close();
    }

    private String withPort(String spec) {
        return spec.replace("PORT", String.valueOf(listener.getLocalPort()));
    }

    private static ServiceSpec service(JobSpec job) {
        return job.groups().get(0).tasks().get(0).services().get(0);
    }

    @Test
    void theSdksJsonAJobFileAndTheApiJsonReadAllocForTheServiceAndItsCheck() {
        SpecParser parser = new SpecParser();
        ServiceSpec fromJson = service(parser.parse(withPort(SDK_JSON)));

        assertThat(fromJson.addressMode()).isEqualTo(AddressMode.ALLOC);
        assertThat(fromJson.checks().get(0).addressMode()).isEqualTo(AddressMode.ALLOC);
        assertThat(service(parser.parse(withPort(JOB_FILE)))).isEqualTo(fromJson);
        assertThat(service(parser.parse(withPort(API_JSON)))).isEqualTo(fromJson);
    }

    @Test
    void theServiceIsRegisteredAtTheHostAddressAndHostPortAndItsCheckProbesThere() {
        runner.submit(runner.parse(withPort(JOB_FILE)));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !registry.services("edge-web").isEmpty());
        assertThat(registry.services("edge-web")).singleElement().satisfies(r -> {
            assertThat(r.ip()).isEqualTo("127.0.0.1");
            assertThat(r.port()).isEqualTo(listener.getLocalPort());
        });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(registry.checks("edge-web"))
                        .singleElement()
                        .satisfies(c -> assertThat(c.health())
                                .as("check output: %s", c.output())
                                .isEqualTo(CheckHealth.PASSING)));
    }
}
