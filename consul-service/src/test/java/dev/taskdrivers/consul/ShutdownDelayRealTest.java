package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's {@code shutdown_delay} against the real agent: once stopped, its service leaves the Consul catalog while
 * the task has not been signalled yet, and the signal comes only after the delay. The task's TERM trap records when
 * the signal came and asks the catalog itself (with curl) what it holds at that moment.
 */
@Tag("real")
class ShutdownDelayRealTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration DELAY = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private ConsulServiceRegistry registry;
    private TaskRunner runner;
    private String prefix;
    private final String serviceName = "sdelay-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        TestAgent.require();
        ConsulOptions options = TestAgent.options();
        prefix = options.idPrefix();
        registry = ConsulServiceRegistry.start(options);
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(registry)
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (prefix != null) {
            TestAgent.deregisterAll(prefix);
        }
    }

    @Test
    void theServiceIsGoneFromTheCatalogWhenTheTaskReceivesItsSignal() throws Exception {
        Path header = root.resolve("token-header");
        Files.writeString(header, "X-Consul-Token: " + TestAgent.token() + "\n");
        Path atSignal = root.resolve("catalog-at-signal");
        Path signalled = root.resolve("signalled");
        String trap = "date +%s%N > " + signalled + "; curl -s -H @" + header + " " + TestAgent.ADDRESS
                + "/v1/catalog/service/" + serviceName + " > " + atSignal + ".tmp; mv " + atSignal + ".tmp " + atSignal
                + "; exit 0";
        TaskSpec web = TaskSpec.builder("web", "raw_exec")
                .config(Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of("-c", "trap '" + trap + "' TERM; while true; do sleep 0.05; done")))
                .restart(RestartPolicy.NEVER)
                .ports(PortSpec.dynamic("http"))
                .service(ServiceSpec.builder(serviceName).port("http"))
                .shutdownDelay(DELAY)
                .build();
        AllocationHandle alloc = runner.submit(JobSpec.service("sdelay", List.of(GroupSpec.of("g", List.of(web)))))
                .get(0);
        await().atMost(WAIT).until(() -> catalog().contains("\"ServiceName\":\"" + serviceName + "\""));

        Instant asked = Instant.now();
        CompletableFuture<AllocationStatus> stopped = alloc.stop();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !catalog().contains("\"ServiceName\":\"" + serviceName + "\""));
        assertThat(signalled)
                .as("the task is signalled only after its service left the catalog")
                .doesNotExist();
        AllocationStatus status = stopped.get();

        long signalAt = Long.parseLong(Files.readString(signalled).trim());
        assertThat(Duration.ofNanos(signalAt - (asked.getEpochSecond() * 1_000_000_000L + asked.getNano())))
                .as("from the stop to the signal")
                .isGreaterThanOrEqualTo(DELAY);
        assertThat(Files.readString(atSignal).trim())
                .as("the catalog's instances of the service when the task got its signal")
                .isEqualTo("[]");
        assertThat(status.tasks().get("web").events().stream().map(TaskEvent::type))
                .containsSubsequence(
                        TaskEventType.WAITING_FOR_SHUTDOWN_DELAY, TaskEventType.KILLING, TaskEventType.KILLED);
    }

    private String catalog() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(TestAgent.ADDRESS + "/v1/catalog/service/" + serviceName))
                        .header("X-Consul-Token", TestAgent.token())
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().replace(" ", "");
    }
}
