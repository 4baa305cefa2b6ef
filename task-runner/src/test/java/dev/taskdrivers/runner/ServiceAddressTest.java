package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's custom {@code address}: read from every format, interpolated when its task starts, registered. */
class ServiceAddressTest {
    private static final String SDK_JSON = """
            {"job": {"name": "edge", "groups": [{"name": "g", "tasks": [{"name": "web", "driver": "fake", "config": {"run_ms": -1},
              "resources": {"ports": {"http": {}}},
              "services": [{"name": "edge-web", "port": "http", "address": "${NOMAD_TASK_NAME}.edge.example",
                "address_mode": "auto"}]}]}]}}
            """;
    private static final String JOB_FILE = """
            job "edge" {
              group "g" {
                task "web" {
                  driver = "fake"
                  config {
                    run_ms = -1
                  }
                  resources {
                    network {
                      port "http" {}
                    }
                  }
                  service {
                    name         = "edge-web"
                    port         = "http"
                    address      = "${NOMAD_TASK_NAME}.edge.example"
                    address_mode = "auto"
                  }
                }
              }
            }
            """;
    private static final String API_JSON = """
            {"Job": {"ID": "edge", "Name": "edge", "TaskGroups": [{"Name": "g", "Tasks": [{"Name": "web",
              "Driver": "fake", "Config": {"run_ms": -1}, "Resources": {"Networks": [{"DynamicPorts": [{"Label": "http"}]}]},
              "Services": [{"Name": "edge-web", "PortLabel": "http", "Address": "${NOMAD_TASK_NAME}.edge.example",
                "AddressMode": "auto"}]}]}]}}
            """;

    @TempDir
    Path root;

    final FakeDriver fake = new FakeDriver();
    final InProcessServiceRegistry registry = new InProcessServiceRegistry();
    TaskRunner runner;

    @BeforeEach
    void setUp() {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(List.of(new FakeDriverFactory(fake)), root.resolve("drivers"), Map.of()))
                .serviceRegistry(registry)
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(Duration.ofSeconds(10));
        runner.close();
    }

    private static ServiceSpec service(JobSpec job) {
        return job.groups().get(0).tasks().get(0).services().get(0);
    }

    @Test
    void theSdksJsonAJobFileAndTheApiJsonGiveTheSameAddress() {
        SpecParser parser = new SpecParser();
        JobSpec fromJson = parser.parse(SDK_JSON);

        assertThat(service(fromJson).address()).isEqualTo("${NOMAD_TASK_NAME}.edge.example");
        assertThat(parser.parse(JOB_FILE).groups().get(0).tasks().get(0).services())
                .isEqualTo(fromJson.groups().get(0).tasks().get(0).services());
        assertThat(parser.parse(API_JSON).groups().get(0).tasks().get(0).services())
                .isEqualTo(fromJson.groups().get(0).tasks().get(0).services());
    }

    @Test
    void aCustomAddressNeedsAddressModeAutoAsInNomad() {
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> new SpecParser()
                        .parse(SDK_JSON.replace("\"address_mode\": \"auto\"", "\"address_mode\": \"host\"")));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly("job.groups[0].tasks[0].services[0].address_mode: must be auto with a custom address,"
                        + " got host");
    }

    @Test
    void theRegistryRegistersTheInterpolatedAddressWithTheTasksHostPort() throws Exception {
        AllocationHandle alloc = runner.submit(runner.parse(JOB_FILE)).get(0);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !registry.services("edge-web").isEmpty());
        int port = alloc.status().tasks().get("web").port("http").orElseThrow().value();
        assertThat(registry.services("edge-web")).singleElement().satisfies(r -> {
            assertThat(r.ip()).isEqualTo("web.edge.example");
            assertThat(r.port()).isEqualTo(port);
        });
    }
}
