package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates of real raw_exec tasks fed by the Consul agent through {@link ConsulTemplateData}: a KV write re-renders
 * and restarts, signals or only rewrites; a service registered in the catalog shows up in the file; an env template
 * reaches the task's environment; one blocking watch per key, however many templates read it.
 */
@Tag("real")
class ConsulTemplatesRealTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private String prefix;
    private ConsulTemplateData source;
    private TaskRunner runner;

    @BeforeEach
    void setUp() {
        TestAgent.require();
        prefix = TestAgent.freshPrefix();
        source = ConsulTemplateData.create(TestAgent.options(), Duration.ofSeconds(20));
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .templateData(source)
                .build();
        RealEnvironmentRawExec.require(runner);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (runner != null) {
                assertThat(runner.stopAll(WAIT)).isTrue();
                runner.close();
                assertThat(source.watches()).as("blocking queries left running").isZero();
            }
        } finally {
            if (source != null) {
                source.close();
            }
            if (prefix != null) {
                TestAgent.deleteKeys(prefix);
                TestAgent.deregisterAll(prefix);
            }
        }
    }

    /** A task that appends each HUP to local/hups and counts its starts (with $APP_COLOUR) in local/starts. */
    private static TaskSpec.Builder counting(String name) {
        return TaskSpec.builder(name, "raw_exec")
                .config(Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of(
                                "-c",
                                // the trap first: a start is counted only once a HUP would be caught
                                "trap 'echo hup >> \"$NOMAD_TASK_DIR/hups\"' HUP;"
                                        + " echo \"start $APP_COLOUR\" >> \"$NOMAD_TASK_DIR/starts\";"
                                        + " while true; do sleep 0.1; done")))
                .restart(RestartPolicy.NEVER);
    }

    private static TaskStatus status(AllocationHandle alloc, String task) {
        return alloc.status().tasks().get(task);
    }

    private static Path local(AllocationHandle alloc, String task, String file) {
        return status(alloc, task).taskDir().resolve("local").resolve(file);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aKvWriteRestartsSignalsOrRewritesAndTheEnvTemplateReachesTheTask() throws Exception {
        String key = prefix + "/app/colour";
        String template = "{{ key \"" + key + "\" }}";
        TaskSpec restart = counting("restart")
                .template(TemplateSpec.builder("local/c").data(template).splay(Duration.ZERO))
                .template(TemplateSpec.builder("secrets/app.env")
                        .data("APP_COLOUR=" + template + "\n")
                        .env(true)
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        TaskSpec signal = counting("signal")
                .template(TemplateSpec.builder("local/c")
                        .data(template)
                        .changeMode(TemplateSpec.ChangeMode.SIGNAL)
                        .changeSignal("SIGHUP")
                        .splay(Duration.ZERO))
                .build();
        TaskSpec noop = counting("noop")
                .template(TemplateSpec.builder("local/c").data(template).changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        AllocationHandle alloc = runner.submit(
                        JobSpec.service("tpl", List.of(GroupSpec.of("g", List.of(restart, signal, noop)))))
                .get(0);

        await().atMost(WAIT)
                .until(() -> status(alloc, "restart").events().stream()
                        .anyMatch(e -> e.message().equals("Missing: kv.block(" + key + ")")));
        TestAgent.putKey(key, "blue");
        for (String t : List.of("restart", "signal", "noop")) {
            await().atMost(WAIT).until(() -> status(alloc, t).state() == TaskState.RUNNING);
            await().atMost(WAIT).until(() -> lines(local(alloc, t, "starts")).size() == 1);
            assertThat(Files.readString(local(alloc, t, "c"))).isEqualTo("blue");
        }
        assertThat(lines(local(alloc, "restart", "starts"))).containsExactly("start blue");
        assertThat(source.watches())
                .as("one blocking query for the key five templates read")
                .isEqualTo(1);

        TestAgent.putKey(key, "green");

        for (String t : List.of("restart", "signal", "noop")) {
            await().atMost(WAIT)
                    .until(() -> Files.readString(local(alloc, t, "c")).equals("green"));
        }
        await().atMost(WAIT)
                .until(() -> lines(local(alloc, "restart", "starts")).equals(List.of("start blue", "start green")));
        // the task trapped the signal; the runner sent it once
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(lines(local(alloc, "signal", "hups")))
                        .as(
                                "HUPs trapped; the task's events: %s",
                                status(alloc, "signal").events())
                        .isNotEmpty()
                        .containsOnly("hup"));
        assertThat(status(alloc, "signal").events())
                .filteredOn(e -> e.type() == TaskEventType.SIGNALING)
                .hasSize(1);
        assertThat(status(alloc, "restart").events())
                .extracting(TaskEvent::message)
                .contains("Template with change_mode restart re-rendered");
        assertThat(status(alloc, "noop").events()).extracting(TaskEvent::type).doesNotContain(TaskEventType.SIGNALING);
        assertThat(lines(local(alloc, "signal", "starts"))).hasSize(1);
        assertThat(lines(local(alloc, "noop", "starts"))).hasSize(1);
        assertThat(lines(local(alloc, "noop", "hups"))).isEmpty();
    }

    @Test
    void aServiceRegisteredInTheCatalogShowsUpInTheFile() throws Exception {
        String name = prefix.replace("_", "") + "-web";
        TaskSpec lb = counting("lb")
                .template(TemplateSpec.builder("local/upstreams")
                        .data("{{ range service \"" + name + "\" }}server {{ .Address }}:{{ .Port }}\n{{ end }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        AllocationHandle alloc = runner.submit(JobSpec.service("lb", List.of(GroupSpec.of("g", List.of(lb)))))
                .get(0);
        await().atMost(WAIT).until(() -> status(alloc, "lb").state() == TaskState.RUNNING);
        assertThat(Files.readString(local(alloc, "lb", "upstreams"))).isEmpty();

        TestAgent.registerPassing(prefix + "-web-1", name, "10.1.2.3", 8080);

        await().atMost(WAIT)
                .until(() -> Files.readString(local(alloc, "lb", "upstreams")).equals("server 10.1.2.3:8080\n"));
    }
}
