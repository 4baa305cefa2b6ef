package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import dev.taskdrivers.templates.InProcessTemplateData;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template data source written before a kind of query existed answers it as unsupported: the template fails with
 * an error naming the query and the source, instead of the task waiting for a value that never comes.
 */
class UnsupportedTemplateQueryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private @Nullable TaskRunner runner;

    @AfterEach
    void tearDown() throws Exception {
        if (runner == null) {
            return;
        }
        runner.stopAll(WAIT);
        runner.close();
    }

    @Test
    void aQueryTheSourceDoesNotReadFailsTheTaskNamingQueryAndSource() throws Exception {
        KeysOnlySource source =
                new KeysOnlySource(() -> new UnsupportedOperationException("this source reads keys only"));
        source.keys.putKey("app/port", "8080");

        TaskStatus status = runUntilDead(source, "port = {{ key \"app/port\" }}\n{{ range service \"db\" }}x{{ end }}");

        assertThat(status.failed()).isTrue();
        assertThat(templateMessages(status))
                .contains("Template failed: the template data source " + KeysOnlySource.class.getName()
                        + " does not read health.service(db|passing): this source reads keys only");
        assertThat(status.events()).noneMatch(e -> e.type() == TaskEventType.STARTED);
        assertThat(Files.exists(status.taskDir().resolve("local/app.conf")))
                .as("no file rendered without the unsupported query")
                .isFalse();
    }

    @Test
    void aSourceWhoseSwitchHasNoBranchForANewKindFailsTheTaskTheSameWay() throws Exception {
        // what the JVM throws from a switch expression on an enum compiled before the constant was added
        KeysOnlySource source = new KeysOnlySource(IncompatibleClassChangeError::new);

        TaskStatus status = runUntilDead(source, "{{ range services }}{{ .Name }}{{ end }}");

        assertThat(status.failed()).isTrue();
        assertThat(templateMessages(status))
                .contains("Template failed: the template data source " + KeysOnlySource.class.getName()
                        + " does not read catalog.services");
    }

    @Test
    void aKindTheSourceReadsStillRenders() throws Exception {
        KeysOnlySource source = new KeysOnlySource(() -> new UnsupportedOperationException("keys only"));
        source.keys.putKey("app/port", "8080");

        AllocationHandle alloc = submit(source, "port = {{ key \"app/port\" }}");

        await().atMost(WAIT).until(() -> app(alloc).state() == TaskState.RUNNING);
        assertThat(Files.readString(app(alloc).taskDir().resolve("local/app.conf")))
                .isEqualTo("port = 8080");
    }

    private TaskStatus runUntilDead(TemplateDataSource source, String template) {
        AllocationHandle alloc = submit(source, template);
        await().atMost(WAIT).until(() -> app(alloc).state() == TaskState.DEAD);
        return app(alloc);
    }

    /** Runs one task "app" that renders {@code template} into local/app.conf from {@code source}. */
    private AllocationHandle submit(TemplateDataSource source, String template) {
        runner = new RunnerFixture(root).builder().templateData(source).build();
        TaskSpec app = task("app", Map.of("run_ms", 60_000)).toBuilder()
                .template(TemplateSpec.builder("local/app.conf").data(template))
                .build();
        return runner.submit(RunnerFixture.job(app)).get(0);
    }

    private static TaskStatus app(AllocationHandle alloc) {
        return alloc.status().tasks().get("app");
    }

    private static List<String> templateMessages(TaskStatus status) {
        return status.events().stream()
                .filter(e -> e.type() == TaskEventType.TEMPLATE)
                .map(TaskEvent::message)
                .toList();
    }

    /** A third-party source that reads keys and answers every other kind as its contract says. */
    private static final class KeysOnlySource implements TemplateDataSource {
        final InProcessTemplateData keys = new InProcessTemplateData();
        private final Supplier<? extends Throwable> unsupported;

        KeysOnlySource(Supplier<? extends Throwable> unsupported) {
            this.unsupported = unsupported;
        }

        @Override
        public Watch watch(TemplateQuery query, Listener listener) {
            return switch (query.kind()) {
                case KEY, KEY_PREFIX -> keys.watch(query, listener);
                default -> {
                    Throwable answer = unsupported.get();
                    if (answer instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) answer;
                }
            };
        }
    }
}
