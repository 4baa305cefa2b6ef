package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.DOWNLOADING_ARTIFACTS;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TASK_SETUP;
import static dev.taskdrivers.runner.TaskEventType.TEMPLATE;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static dev.taskdrivers.runner.TaskEventType.WAITING;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.artifacts.ArtifactServer;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.templates.InProcessTemplateData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A main task's own preparation (its directory, artifacts, templates) waits for the prestart tasks, as in Nomad: an
 * init task writes {@code alloc/seed.txt} once the test lets it, and the main task's template reads that file and
 * its artifact comes from a local HTTP server that counts the requests.
 */
@Tag("real")
class LifecycleOrderTest {
    private static final String TOOL = "/tool.txt";

    private final InProcessTemplateData data = new InProcessTemplateData();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.templateData(data));

    ArtifactServer server;

    @BeforeEach
    void serve() throws Exception {
        server = new ArtifactServer();
        server.serve(TOOL, "tool-v1\n".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    /** Counts its runs, waits for the test's {@code go} file, then writes the seed. */
    private static TaskSpec init() {
        return RawExec.shell(
                        "init",
                        "echo ran >> \"$NOMAD_ALLOC_DIR/init-runs\";"
                                + " while [ ! -e \"$NOMAD_ALLOC_DIR/go\" ]; do sleep 0.05; done;"
                                + " printf seed-42 > \"$NOMAD_ALLOC_DIR/seed.txt\"")
                .toBuilder()
                .lifecycle(TaskLifecycle.prestart())
                .build();
    }

    /** Fails unless its template holds the seed and its artifact is there; counts its runs. */
    private TaskSpec.Builder main() {
        return RawExec.shell(
                        "main",
                        "grep -q 'seed = seed-42' \"$NOMAD_TASK_DIR/app.conf\" || exit 21;"
                                + " grep -q tool-v1 \"$NOMAD_TASK_DIR/tool.txt\" || exit 22;"
                                + " echo ran >> \"$NOMAD_ALLOC_DIR/main-runs\"")
                .toBuilder()
                .artifact(ArtifactSpec.builder(server.url(TOOL)))
                .template(TemplateSpec.builder("local/app.conf").data("seed = {{ file \"../alloc/seed.txt\" }}\n"));
    }

    private AllocationHandle submit(TaskSpec... tasks) {
        AllocationHandle alloc = real.runner()
                .submit(JobSpec.batch("order", List.of(GroupSpec.of("g", List.of(tasks)))))
                .get(0);
        return alloc;
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    private static Instant firstTime(List<TaskEvent> events, TaskEventType type) {
        return events.stream()
                .filter(e -> e.type() == type)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + events))
                .time();
    }

    @Test
    void theMainTaskFetchesItsArtifactAndRendersItsTemplateOnlyOnceThePrestartTaskEnded() throws Exception {
        AllocationHandle alloc = submit(init(), main().build());
        Path dir = real.allocDir(alloc).resolve("alloc");
        await().atMost(WAIT)
                .until(() -> Files.exists(dir.resolve("init-runs"))
                        && types(alloc.events("main")).contains(WAITING));

        List<TaskEvent> waiting = alloc.events("main");
        assertThat(waiting)
                .filteredOn(e -> e.type() == WAITING)
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("waiting_for", "prestart"))
                .satisfies(e -> assertThat(e.details()).containsEntry("tasks", "init"))
                .satisfies(e ->
                        assertThat(e.message()).isEqualTo("Task waiting for the prestart tasks to complete: init"));
        assertThat(types(waiting)).doesNotContain(TASK_SETUP, DOWNLOADING_ARTIFACTS, TEMPLATE, STARTED);
        assertThat(server.hits(TOOL)).as("artifact requests while init runs").isZero();
        Path mainLocal = alloc.status().tasks().get("main").taskDir().resolve("local");
        assertThat(mainLocal.resolve("app.conf")).doesNotExist();

        Files.writeString(dir.resolve("go"), "");
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed())
                .as("main's events: %s", alloc.events("main"))
                .isFalse();
        assertThat(server.hits(TOOL)).isEqualTo(1);
        assertThat(mainLocal.resolve("app.conf")).hasContent("seed = seed-42");
        List<TaskEvent> mainEvents = alloc.events("main");
        assertThat(types(mainEvents)).containsSubsequence(WAITING, TASK_SETUP, DOWNLOADING_ARTIFACTS, STARTED);
        Instant initEnded = firstTime(alloc.events("init"), TERMINATED);
        assertThat(firstTime(mainEvents, TASK_SETUP))
                .as("main prepared after init ended")
                .isAfterOrEqualTo(initEnded);
    }

    @Test
    void aRunnerRestartedAfterThePrestartTaskEndedFetchesNothingTwiceAndRunsNoPrestartAgain() throws Exception {
        // a second template waits for a key: main stays prepared but not started while the runner is replaced
        TaskSpec main = main().template(
                        TemplateSpec.builder("local/release.conf").data("{{ key \"release\" }}"))
                .build();
        AllocationHandle first = submit(init(), main);
        Path dir = real.allocDir(first).resolve("alloc");
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("init-runs")));
        Files.writeString(dir.resolve("go"), "");
        await().atMost(WAIT)
                .until(() -> first.events("main").stream()
                        .anyMatch(e -> e.type() == TEMPLATE && e.message().startsWith("Missing")));
        assertThat(first.status().tasks().get("init").state()).isEqualTo(TaskState.DEAD);
        assertThat(server.hits(TOOL)).isEqualTo(1);
        real.closeRunner();

        RecoveryReport report = real.newRunner().recover();
        AllocationHandle recovered = report.allocations().get(0);
        data.putKey("release", "go");
        AllocationStatus status = recovered.await(WAIT);

        assertThat(status.failed())
                .as("main's events: %s", recovered.events("main"))
                .isFalse();
        assertThat(server.hits(TOOL)).as("artifact requests").isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("init-runs")))
                .as("runs of init")
                .hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("main-runs")))
                .as("runs of main")
                .hasSize(1);
        assertThat(Map.of(
                        "init",
                        status.tasks().get("init").succeeded(),
                        "main",
                        status.tasks().get("main").succeeded()))
                .containsOnly(Map.entry("init", true), Map.entry("main", true));
    }
}
