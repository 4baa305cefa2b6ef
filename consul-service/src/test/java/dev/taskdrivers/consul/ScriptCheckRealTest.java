package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.script;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.TaskServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script checks run through the task's exec; the agent's TTL status follows the script's exit code. */
@Tag("real")
class ScriptCheckRealTest {
    @TempDir
    Path dir;

    private ConsulServiceRegistry registry;
    private String prefix;

    @BeforeEach
    void setUp() {
        TestAgent.require();
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
    }

    @Test
    void statusFollowsTheExitCode() throws IOException {
        Path code = dir.resolve("exit-code");
        Files.writeString(code, "0");
        TaskId id = taskId("app");
        TaskServices task = task(
                id,
                List.of(port("http", 8080)),
                new ProcessTaskHandle(),
                service(
                        "app",
                        "http",
                        script(
                                "app-alive",
                                Duration.ofSeconds(5),
                                "sh",
                                "-c",
                                "c=$(cat " + code + "); echo exit $c; exit $c")));
        registry.registerTask(task);

        assertStatus("passing", "exit 0");
        Files.writeString(code, "1");
        assertStatus("warning", "exit 1");
        Files.writeString(code, "2");
        assertStatus("critical", "exit 2");
        Files.writeString(code, "0");
        assertStatus("passing", "exit 0");
        assertThat(registry.counters().scriptRuns()).isGreaterThanOrEqualTo(4);
        assertThat(registry.counters().scriptTimeouts()).isZero();
    }

    @Test
    void aNewRunnerRefreshesTheTtlAtOnceNotAfterAnInterval() throws IOException {
        Path code = dir.resolve("exit-code");
        Files.writeString(code, "0");
        // a one-minute interval: only the run right at registration can change the status within the wait below
        dev.taskdrivers.services.CheckSpec slow = dev.taskdrivers.services.CheckSpec.script(
                        "sh", "-c", "c=$(cat " + code + "); echo exit $c; exit $c")
                .name("restart-check")
                .interval(Duration.ofMinutes(1))
                .timeout(Duration.ofSeconds(5))
                .build();
        TaskServices task =
                task(taskId("app"), List.of(port("http", 8080)), new ProcessTaskHandle(), service("app", "http", slow));
        registry.registerTask(task);
        assertStatus("passing", "exit 0");
        registry.close();

        Files.writeString(code, "1");
        registry = ConsulServiceRegistry.start(TestAgent.options().withIdPrefix(prefix));
        registry.registerTask(task);
        assertStatus("warning", "exit 1");
    }

    @Test
    void aScriptPastItsTimeoutIsCriticalAndCounted() {
        TaskServices task = task(
                taskId("slow"),
                List.of(port("http", 8080)),
                new ProcessTaskHandle(),
                service("slow", "http", script("slow-check", Duration.ofMillis(200), "sleep", "5")));
        registry.registerTask(task);

        assertStatus("critical", "timed out");
        assertThat(registry.counters().scriptTimeouts()).isPositive();
    }

    @Test
    void aMissingProgramIsCriticalWithTheReason() {
        TaskServices task = task(
                taskId("broken"),
                List.of(port("http", 8080)),
                new ProcessTaskHandle(),
                service("broken", "http", script("broken-check", Duration.ofSeconds(1), "/no/such/program")));
        registry.registerTask(task);

        assertStatus("critical", "/no/such/program");
    }

    private void assertStatus(String status, String output) {
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            List<Map<String, Object>> ours = TestAgent.checks().values().stream()
                    .filter(c -> ((String) c.get("CheckID")).startsWith(prefix + "-"))
                    .toList();
            assertThat(ours).hasSize(1);
            Map<String, Object> check = ours.get(0);
            assertThat(check.get("Status")).isEqualTo(status);
            assertThat(check.get("Output")).asString().contains(output);
        });
    }
}
