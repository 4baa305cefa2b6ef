package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.JobDigest;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lifecycle} and {@code shutdown_delay} from the builders, the JSON, a Nomad job file and a state file. */
class LifecycleSpecTest {
    private final SpecParser parser = new SpecParser();

    private static TaskSpec.Builder sh(String name) {
        return TaskSpec.builder(name, "raw_exec").config(Map.of("command", "/bin/true"));
    }

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void theBuildersTakeALifecycleAndShutdownDelaysAndKeepThemInCopies() {
        TaskSpec init = sh("init").lifecycle(TaskLifecycle.prestart()).build();
        TaskSpec web = sh("web").shutdownDelay(Duration.ofSeconds(5)).build();
        GroupSpec group = GroupSpec.builder("g")
                .shutdownDelay(Duration.ofSeconds(2))
                .task(init)
                .task(web)
                .build();

        assertThat(init.lifecycle()).contains(TaskLifecycle.prestart());
        assertThat(web.lifecycle()).isEmpty();
        assertThat(web.shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(init.shutdownDelay()).isZero();
        assertThat(group.shutdownDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(group.toBuilder().build()).isEqualTo(group);
        assertThat(init.withEnv(Map.of("A", "b")).lifecycle()).contains(TaskLifecycle.prestart());
        assertThat(init).isNotEqualTo(sh("init").build());
        assertThat(web.toString()).contains("shutdownDelay=PT5S");
    }

    @Test
    void theBuildersRefuseNegativeShutdownDelaysNamingTheField() {
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> GroupSpec.builder("g")
                        .shutdownDelay(Duration.ofSeconds(-1))
                        .task(sh("web").shutdownDelay(Duration.ofMillis(-5)))
                        .build());

        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "shutdown_delay: must not be negative", "tasks[0].shutdown_delay: must not be negative");
    }

    @Test
    void theJsonReadsEveryHookTheSidecarFlagAndBothDelays() {
        JobSpec job = parser.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "shutdown_delay": "3s", "tasks": [
                  {"name": "init", "driver": "raw_exec", "lifecycle": {"hook": "prestart"}},
                  {"name": "logs", "driver": "raw_exec", "lifecycle": {"hook": "prestart", "sidecar": true}},
                  {"name": "web", "driver": "raw_exec", "shutdown_delay": "1m30s"},
                  {"name": "warm", "driver": "raw_exec", "lifecycle": {"hook": "poststart", "sidecar": false}},
                  {"name": "bye", "driver": "raw_exec", "lifecycle": {"hook": "poststop"}}]}]}}
                """);

        GroupSpec g = job.groups().get(0);
        assertThat(g.shutdownDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(g.tasks())
                .extracting(t -> t.lifecycle().map(TaskLifecycle::toString).orElse("main"))
                .containsExactly("prestart", "prestart sidecar", "main", "poststart", "poststop");
        assertThat(g.tasks().get(2).shutdownDelay()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void theJsonReportsEveryLifecycleAndDelayProblemWithItsPathAtOnce() {
        assertThat(problems("""
                        {"job": {"name": "j", "groups": [{"name": "g", "shutdown_delay": "-2s", "tasks": [
                          {"name": "a", "driver": "raw_exec", "lifecycle": {"hook": "prestop"}},
                          {"name": "b", "driver": "raw_exec", "lifecycle": {"sidecar": "yes", "when": 1}},
                          {"name": "c", "driver": "raw_exec", "lifecycle": "prestart"},
                          {"name": "d", "driver": "raw_exec", "shutdown_delay": "soon"}]}]}}
                        """))
                .containsExactly(
                        "job.groups[0].shutdown_delay: must be a duration like \"30s\" or \"1m30s\", got \"-2s\"",
                        "job.groups[0].tasks[0].lifecycle.hook: must be \"prestart\", \"poststart\" or \"poststop\","
                                + " got \"prestop\"",
                        "job.groups[0].tasks[1].lifecycle.hook: is required",
                        "job.groups[0].tasks[1].lifecycle.sidecar: must be true or false, got \"yes\"",
                        "job.groups[0].tasks[1].lifecycle.when: unknown option",
                        "job.groups[0].tasks[2].lifecycle: must be an object, got \"prestart\"",
                        "job.groups[0].tasks[3].shutdown_delay: must be a duration like \"30s\" or \"1m30s\", got"
                                + " \"soon\"");
    }

    @Test
    void aNomadJobFileMapsLifecycleBlocksAndShutdownDelays() {
        JobSpec job = parser.parse("""
                job "web" {
                  group "g" {
                    shutdown_delay = "4s"
                    task "init" {
                      driver = "raw_exec"
                      lifecycle {
                        hook = "prestart"
                      }
                      config { command = "/bin/true" }
                    }
                    task "proxy" {
                      driver = "raw_exec"
                      lifecycle {
                        hook    = "poststart"
                        sidecar = true
                      }
                      config { command = "/bin/true" }
                    }
                    task "server" {
                      driver         = "raw_exec"
                      shutdown_delay = "10s"
                      config { command = "/bin/true" }
                    }
                  }
                }
                """);

        GroupSpec g = job.groups().get(0);
        assertThat(g.shutdownDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(g.tasks().get(0).lifecycle()).contains(TaskLifecycle.prestart());
        assertThat(g.tasks().get(1).lifecycle()).contains(TaskLifecycle.poststartSidecar());
        assertThat(g.tasks().get(2).lifecycle()).isEmpty();
        assertThat(g.tasks().get(2).shutdownDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aNomadJobFileWithABadHookIsRefusedUnderTheModelsPath() {
        assertThat(problems("""
                        job "web" {
                          group "g" {
                            task "init" {
                              driver = "raw_exec"
                              lifecycle {
                                hook = "before"
                                extra { }
                              }
                            }
                          }
                        }
                        """))
                .containsExactly(
                        "job.groups[0].tasks[0].lifecycle.hook: must be \"prestart\", \"poststart\" or \"poststop\","
                                + " got \"before\"",
                        "job.web.group.g.task.init.lifecycle.extra: unknown: lifecycle holds only attributes");
    }

    @Test
    void theStateFilesFormOfATaskReadsBackEqualWithItsLifecycleAndDelay() {
        TaskSpec task = sh("side")
                .lifecycle(TaskLifecycle.prestartSidecar())
                .shutdownDelay(Duration.ofMillis(2500))
                .build();
        List<ValidationProblem> problems = new ArrayList<>();

        TaskSpec read = parser.task(SpecWriter.task(task), "task", problems);

        assertThat(problems).isEmpty();
        assertThat(read).isEqualTo(task);
    }

    @Test
    void aJobWithoutTheNewFieldsKeepsItsDigestAndAGroupDelayChangesIt() {
        TaskSpec web = sh("web").build();
        JobSpec plain = JobSpec.of("j", List.of(GroupSpec.of("g", List.of(web))));
        JobSpec delayed = JobSpec.of(
                "j",
                List.of(GroupSpec.builder("g")
                        .shutdownDelay(Duration.ofSeconds(1))
                        .task(web)
                        .build()));

        assertThat(SpecWriter.task(web)).doesNotContainKeys("lifecycle", "shutdown_delay");
        assertThat(JobDigest.of(delayed)).isNotEqualTo(JobDigest.of(plain));
    }
}
