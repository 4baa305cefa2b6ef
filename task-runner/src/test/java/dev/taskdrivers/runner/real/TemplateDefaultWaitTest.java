package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TemplateOptions;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.templates.InProcessTemplateData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's default template wait on a real raw_exec task: a burst of key changes is rendered once, after the
 * quiet period, by a template without a wait of its own, while one with {@code wait} of zero renders each change.
 */
@Tag("real")
class TemplateDefaultWaitTest {
    /** Long enough that the burst below (three renders of the immediate template) always fits in it. */
    private static final Duration QUIET = Duration.ofSeconds(8);

    private static final Set<String> ALL_ALLOCS = new HashSet<>();

    @TempDir
    Path root;

    private final InProcessTemplateData data = new InProcessTemplateData();
    private TaskRunner runner;

    @BeforeEach
    void setUp() {
        RawExec.require(root.resolve("probe"));
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .templateData(data)
                .templates(TemplateOptions.builder().wait(QUIET, WAIT).build())
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.allocations().forEach(a -> ALL_ALLOCS.add(a.id()));
        assertThat(runner.stopAll(WAIT)).isTrue();
        runner.close();
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertThat(RawExec.processesOf(ALL_ALLOCS))
                .as("processes of this test's tasks")
                .isEmpty();
    }

    @Test
    void aBurstOfChangesIsRenderedOnceAfterTheQuietPeriod() throws Exception {
        data.putKey("cfg", "v1");
        TaskSpec task = RawExec.shell("app", "while true; do sleep 0.1; done").toBuilder()
                .template(TemplateSpec.builder("local/defaulted")
                        .data("{{ key \"cfg\" }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP))
                .template(TemplateSpec.builder("local/immediate")
                        .data("{{ key \"cfg\" }}")
                        .changeMode(TemplateSpec.ChangeMode.NOOP)
                        .waitBounds(Duration.ZERO, Duration.ZERO))
                .build();
        AllocationHandle alloc = runner.submit(JobSpec.service("tpl", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("app").state() == TaskState.RUNNING);
        Path local = alloc.status().tasks().get("app").taskDir().resolve("local");
        assertThat(local.resolve("defaulted")).hasContent("v1");

        // each change is seen by the immediate template before the next: a burst of separate changes
        for (String v : List.of("v2", "v3", "v4")) {
            data.putKey("cfg", v);
            await().atMost(WAIT).until(() -> read(local.resolve("immediate")).equals(v));
        }
        long lastChange = System.nanoTime();
        assertThat(read(local.resolve("defaulted")))
                .as("nothing rendered during the burst")
                .isEqualTo("v1");

        await().atMost(WAIT).until(() -> read(local.resolve("defaulted")).equals("v4"));
        Duration took = Duration.ofNanos(System.nanoTime() - lastChange);

        assertThat(took).as("rendered after the quiet period").isGreaterThan(QUIET.dividedBy(2));
        assertThat(reRenders(alloc, "local/immediate")).isEqualTo(3);
        assertThat(reRenders(alloc, "local/defaulted"))
                .as("one render for the burst")
                .isEqualTo(1);
    }

    private static long reRenders(AllocationHandle alloc, String destination) {
        return alloc.events("app").stream()
                .filter(e -> e.message().equals("Template re-rendered"))
                .map(TaskEvent::details)
                .filter(d -> destination.equals(d.get("destination")))
                .count();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
