package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
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
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.templates.InProcessTemplateData;
import dev.taskdrivers.templates.ServiceInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Templates of real raw_exec tasks fed by the in-process source: first render, change modes, env, sharing. */
@Tag("real")
class TemplatesTest {
    private final InProcessTemplateData data = new InProcessTemplateData();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.templateData(data))
            .whenClosed(
                    () -> assertThat(data.openWatches()).as("watches left open").isZero());

    /** A task that appends each HUP to local/hups and counts its starts in local/starts. */
    private static TaskSpec.Builder counting(String name) {
        return RawExec.shell(
                name,
                // the trap first: a start is counted only once a HUP would be caught
                "trap 'echo hup >> \"$NOMAD_TASK_DIR/hups\"' HUP; echo start >> \"$NOMAD_TASK_DIR/starts\";"
                        + " while true; do sleep 0.1; done")
                .toBuilder();
    }

    private AllocationHandle run(TaskSpec... tasks) {
        return real.runner()
                .submit(JobSpec.service("tpl", List.of(GroupSpec.of("g", List.of(tasks)))))
                .get(0);
    }

    private static TaskStatus status(AllocationHandle alloc, String task) {
        return alloc.status().tasks().get(task);
    }

    private static void awaitRunning(AllocationHandle alloc, String task) {
        await().atMost(WAIT).until(() -> status(alloc, task).state() == TaskState.RUNNING);
    }

    private static Path local(AllocationHandle alloc, String task, String file) {
        return status(alloc, task).taskDir().resolve("local").resolve(file);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void theTaskWaitsForAMissingKeyThenStartsWithTheFileAndItsEnvironment() throws Exception {
        TaskSpec task =
                RawExec.shell("app", "echo \"port=$APP_PORT\" > \"$NOMAD_TASK_DIR/seen\"; sleep 300").toBuilder()
                        .template(TemplateSpec.builder("local/app.conf")
                                .data("port = {{ key \"app/port\" }}\ntask = {{ env \"NOMAD_TASK_NAME\" }}\n")
                                .perms("0600"))
                        .template(TemplateSpec.builder("secrets/app.env")
                                .data("APP_PORT={{ key \"app/port\" }}\n")
                                .env(true))
                        .build();
        AllocationHandle alloc = run(task);

        await().atMost(WAIT)
                .until(() -> status(alloc, "app").events().stream()
                        .anyMatch(e -> e.type() == TaskEventType.TEMPLATE
                                && e.message().equals("Missing: kv.block(app/port)")));
        assertThat(status(alloc, "app").state()).isEqualTo(TaskState.PENDING);
        assertThat(data.openWatches())
                .as("two templates reading one key share one watch")
                .isEqualTo(1);

        data.putKey("app/port", "8080");
        awaitRunning(alloc, "app");
        Path conf = local(alloc, "app", "app.conf");
        assertThat(Files.readString(conf)).isEqualTo("port = 8080\ntask = app\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
                .isEqualTo("rw-------");
        await().atMost(WAIT).until(() -> lines(local(alloc, "app", "seen")).equals(List.of("port=8080")));
    }

    @Test
    void aKeyChangeRestartsSignalsOrOnlyRewritesByChangeMode() throws Exception {
        data.putKey("cfg", "v1");
        TaskSpec restart = counting("restart")
                .template(TemplateSpec.builder("local/c")
                        .data("{{ key \"cfg\" }}")
                        .splay(Duration.ZERO))
                .build();
        TaskSpec signal = counting("signal")
                .template(TemplateSpec.builder("local/c")
                        .data("{{ key \"cfg\" }}")
                        .changeMode(TemplateSpec.ChangeMode.SIGNAL)
                        .changeSignal("SIGHUP")
                        .splay(Duration.ZERO))
                .build();
        TaskSpec noop = counting("noop")
                .template(TemplateSpec.builder("local/c")
                        .data("{{ key \"cfg\" }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        AllocationHandle alloc = run(restart, signal, noop);
        for (String t : List.of("restart", "signal", "noop")) {
            awaitRunning(alloc, t);
            await().atMost(WAIT).until(() -> lines(local(alloc, t, "starts")).size() == 1);
            assertThat(Files.readString(local(alloc, t, "c"))).isEqualTo("v1");
        }

        data.putKey("cfg", "v2");

        for (String t : List.of("restart", "signal", "noop")) {
            await().atMost(WAIT)
                    .until(() -> Files.readString(local(alloc, t, "c")).equals("v2"));
        }
        await().atMost(WAIT)
                .until(() -> lines(local(alloc, "restart", "starts")).size() == 2);
        // the task trapped the signal and was not restarted; the runner sent it once
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(lines(local(alloc, "signal", "hups")))
                        .as(
                                "HUPs trapped; the task's events: %s",
                                status(alloc, "signal").events())
                        .isNotEmpty()
                        .containsOnly("hup"));
        assertThat(lines(local(alloc, "signal", "starts"))).hasSize(1);
        assertThat(status(alloc, "signal").events())
                .filteredOn(e -> e.type() == TaskEventType.SIGNALING)
                .hasSize(1);
        assertThat(status(alloc, "restart").events())
                .extracting(TaskEvent::message)
                .contains("Template with change_mode restart re-rendered");
        assertThat(status(alloc, "signal").events()).extracting(TaskEvent::type).contains(TaskEventType.SIGNALING);
        assertThat(status(alloc, "noop").events())
                .extracting(TaskEvent::message)
                .contains("Template re-rendered");
        // the others did nothing else: one start each, no signal
        assertThat(lines(local(alloc, "signal", "starts"))).hasSize(1);
        assertThat(lines(local(alloc, "noop", "starts"))).hasSize(1);
        assertThat(lines(local(alloc, "noop", "hups"))).isEmpty();
        assertThat(status(alloc, "restart").restarts()).isEqualTo(1);
    }

    @Test
    void aChangeOfAFileTheTemplateReadsReRendersItAndRestartsTheTask() throws Exception {
        TaskSpec task = counting("reader")
                // the file starts as this template wrote it; the test then edits it in place
                .template(TemplateSpec.builder("local/input.txt").data("v1").changeMode(TemplateSpec.ChangeMode.NOOP))
                .template(TemplateSpec.builder("local/out.txt")
                        .data("read {{ file \"local/input.txt\" }}")
                        .splay(Duration.ZERO))
                .build();
        AllocationHandle alloc = run(task);
        awaitRunning(alloc, "reader");
        await().atMost(WAIT).until(() -> lines(local(alloc, "reader", "starts")).size() == 1);
        assertThat(Files.readString(local(alloc, "reader", "out.txt"))).isEqualTo("read v1");

        Files.writeString(local(alloc, "reader", "input.txt"), "v2");

        await().atMost(WAIT)
                .until(() -> Files.readString(local(alloc, "reader", "out.txt")).equals("read v2"));
        await().atMost(WAIT).until(() -> lines(local(alloc, "reader", "starts")).size() == 2);
        assertThat(status(alloc, "reader").events())
                .extracting(TaskEvent::message)
                .contains("Template with change_mode restart re-rendered");
        assertThat(status(alloc, "reader").restarts()).isEqualTo(1);
    }

    @Test
    void aRunnerStartedAfterAnotherTakesTheTemplatesOverAndAppliesTheNextChange() throws Exception {
        data.putKey("cfg", "v1");
        TaskSpec task = counting("kept")
                .template(TemplateSpec.builder("local/c")
                        .data("{{ key \"cfg\" }}")
                        .splay(Duration.ZERO))
                .build();
        AllocationHandle first = run(task);
        awaitRunning(first, "kept");
        await().atMost(WAIT).until(() -> lines(local(first, "kept", "starts")).size() == 1);
        real.closeRunner(); // the task keeps running
        assertThat(data.openWatches()).as("the closed runner's watches").isZero();

        TaskRunner runner = real.newRunner();
        assertThat(runner.recover().reattached()).isEqualTo(1);
        AllocationHandle alloc = runner.allocation(first.id()).orElseThrow();
        assertThat(lines(local(alloc, "kept", "starts")))
                .as("unchanged file: no restart")
                .hasSize(1);

        data.putKey("cfg", "v2");
        await().atMost(WAIT)
                .until(() -> Files.readString(local(alloc, "kept", "c")).equals("v2"));
        await().atMost(WAIT).until(() -> lines(local(alloc, "kept", "starts")).size() == 2);
    }

    @Test
    void aServiceThatAppearsShowsUpInTheFile() throws Exception {
        TaskSpec task = counting("lb")
                .template(TemplateSpec.builder("local/upstreams")
                        .data("{{ range service \"web\" }}server {{ .Address }}:{{ .Port }}\n{{ end }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .build();
        AllocationHandle alloc = run(task);
        awaitRunning(alloc, "lb");
        assertThat(Files.readString(local(alloc, "lb", "upstreams"))).isEmpty();

        data.putInstance(ServiceInstance.passing("web-1", "web", "10.0.0.7", 8080));
        await().atMost(WAIT)
                .until(() -> Files.readString(local(alloc, "lb", "upstreams")).equals("server 10.0.0.7:8080\n"));
        data.removeInstance("web-1");
        await().atMost(WAIT)
                .until(() -> Files.readString(local(alloc, "lb", "upstreams")).isEmpty());
    }

    @Test
    void aTaskKilledWhileWaitingForItsTemplatesEnds() throws Exception {
        TaskSpec task = counting("waits")
                .template(TemplateSpec.builder("local/c").data("{{ key \"never\" }}"))
                .build();
        AllocationHandle alloc = run(task);
        await().atMost(WAIT)
                .until(() -> status(alloc, "waits").events().stream()
                        .anyMatch(e -> e.message().equals("Missing: kv.block(never)")));
        alloc.stop().get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(status(alloc, "waits").state()).isEqualTo(TaskState.DEAD);
        assertThat(lines(local(alloc, "waits", "starts"))).isEmpty();
    }

    @Test
    void aTemplateThatFailsWhenRenderedFailsTheTaskNamingLineAndColumn() throws Exception {
        data.putKey("json", "{not json");
        TaskSpec task = counting("bad")
                .template(TemplateSpec.builder("local/c").data("ok\n {{ key \"json\" | parseJSON }}"))
                .build();
        AllocationHandle alloc = run(task);
        await().atMost(WAIT).until(() -> status(alloc, "bad").state() == TaskState.DEAD);
        assertThat(status(alloc, "bad").failed()).isTrue();
        assertThat(status(alloc, "bad").events())
                .filteredOn(e -> e.type() == TaskEventType.TEMPLATE)
                .extracting(TaskEvent::message)
                .anySatisfy(m -> assertThat(m).startsWith("Template failed: line 2:18: parseJSON:"));
        try (Stream<Path> files = Files.list(status(alloc, "bad").taskDir().resolve("local"))) {
            List<String> names = new ArrayList<>();
            files.forEach(f -> names.add(f.getFileName().toString()));
            assertThat(names).as("no half-written file").noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
