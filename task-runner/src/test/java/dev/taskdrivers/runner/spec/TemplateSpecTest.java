package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The template block from the builders, the JSON spec and Nomad HCL, and its way through the state file. */
class TemplateSpecTest {
    private final SpecParser parser = new SpecParser();

    private static List<String> problems(Runnable r) {
        ValidationException e = catchThrowableOfType(ValidationException.class, r::run);
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void theBuilderRefusesEveryBrokenFieldAtOnce() {
        TemplateSpec.Builder t = TemplateSpec.builder("../outside")
                .data("ok {{ plugin \"x\" }}")
                .source("local/in.tpl")
                .changeMode(TemplateSpec.ChangeMode.SIGNAL)
                .perms("999")
                .splay(Duration.ofSeconds(-1))
                .waitBounds(Duration.ofSeconds(5), Duration.ofSeconds(1));
        assertThat(problems(() -> TaskSpec.builder("t", "raw_exec").template(t).build()))
                .containsExactlyInAnyOrder(
                        "templates[0].source: cannot be given with data: give one of them",
                        "templates[0].data: line 1:7: function \"plugin\" not defined",
                        "templates[0].destination: must be a file inside the task directory or the allocation's"
                                + " alloc directory (../alloc/), relative to the task directory (${NOMAD_TASK_DIR},"
                                + " ${NOMAD_SECRETS_DIR} and ${NOMAD_ALLOC_DIR} may start it), got \"../outside\"",
                        "templates[0].change_signal: is required with change_mode \"signal\"",
                        "templates[0].splay: must not be negative",
                        "templates[0].perms: must be octal like \"0644\", got \"999\"",
                        "templates[0].wait.max: must not be below wait.min");
        assertThat(problems(() -> TaskSpec.builder("t", "raw_exec")
                        .template(TemplateSpec.builder("local/a").data("x"))
                        .template(TemplateSpec.builder("${NOMAD_TASK_DIR}/a").data("y"))
                        .template(TemplateSpec.builder("local/s").data("z").changeMode(TemplateSpec.ChangeMode.SCRIPT))
                        .build()))
                .containsExactlyInAnyOrder(
                        "templates[1].destination: is also the destination of templates[0]",
                        "templates[2].change_script: is required with change_mode \"script\"");
    }

    @Test
    void jsonTemplatesAreReadWithTheirPathsAndSurviveTheStateFile() {
        JobSpec job = parser.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec",
                  "templates": [
                    {"data": "[[ key \\"a\\" ]]", "destination": "local/a.conf", "change_mode": "script",
                     "change_script": {"command": "/bin/reload", "args": ["-q"], "timeout": "10s", "fail_on_error": true},
                     "splay": "0s", "perms": "0600", "uid": 1000, "gid": 1001, "env": true,
                     "left_delimiter": "[[", "right_delimiter": "]]", "error_on_missing_key": true,
                     "wait": {"min": "1s", "max": "3s"}},
                    {"source": "local/in.tpl", "destination": "secrets/b", "change_mode": "signal",
                     "change_signal": "SIGHUP"}
                  ]}]}]}}
                """);
        TaskSpec task = job.groups().get(0).tasks().get(0);
        TemplateSpec a = task.templates().get(0);
        assertThat(a.changeScript())
                .isEqualTo(new TemplateSpec.ChangeScript("/bin/reload", List.of("-q"), Duration.ofSeconds(10), true));
        assertThat(a.splay()).isZero();
        assertThat(a.perms()).isEqualTo("0600");
        assertThat(a.uid()).isEqualTo(1000);
        assertThat(a.gid()).isEqualTo(1001);
        assertThat(a.env()).isTrue();
        assertThat(a.leftDelimiter()).isEqualTo("[[");
        assertThat(a.errorOnMissingKey()).isTrue();
        assertThat(a.waitMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.waitMax()).isEqualTo(Duration.ofSeconds(3));
        TemplateSpec b = task.templates().get(1);
        assertThat(b.source()).isEqualTo("local/in.tpl");
        assertThat(b.changeSignal()).isEqualTo("SIGHUP");
        assertThat(b.splay()).isEqualTo(TemplateSpec.DEFAULT_SPLAY);

        List<ValidationProblem> problems = new ArrayList<>();
        TaskSpec reread = parser.task(SpecWriter.task(task), "task", problems);
        assertThat(problems).isEmpty();
        assertThat(reread).isEqualTo(task);
    }

    @Test
    void jsonProblemsNameTheirPath() {
        assertThat(problems(() -> parser.parse("""
                        {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec",
                          "templates": [{"data": "{{ if }}", "destination": "local/a", "change_mode": "reload",
                                         "colour": 1}, 5]}]}]}}
                        """)))
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].templates[0].change_mode: must be restart, signal, noop or script,"
                                + " got \"reload\"",
                        "job.groups[0].tasks[0].templates[0].colour: unknown option",
                        "job.groups[0].tasks[0].templates[0].data: line 1:1: missing value for if",
                        "job.groups[0].tasks[0].templates[1]: must be an object");
    }

    @Test
    void nomadTemplateBlocksMapWithTheirChangeScriptAndWait() {
        JobSpec job = parser.parse("""
                job "web" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                      template {
                        data          = <<EOT
                port = {{ key "app/port" }}
                EOT
                        destination   = "${NOMAD_TASK_DIR}/app.conf"
                        change_mode   = "script"
                        splay         = "100ms"
                        change_script {
                          command       = "/bin/sh"
                          args          = ["-c", "true"]
                          timeout       = "2s"
                          fail_on_error = true
                        }
                        wait {
                          min = "1s"
                          max = "2s"
                        }
                      }
                      template {
                        data        = "A={{ env \\"NOMAD_TASK_NAME\\" }}"
                        destination = "secrets/file.env"
                        env         = true
                      }
                    }
                  }
                }
                """);
        List<TemplateSpec> templates = job.groups().get(0).tasks().get(0).templates();
        assertThat(templates).hasSize(2);
        assertThat(templates.get(0).data()).isEqualTo("port = {{ key \"app/port\" }}\n");
        assertThat(templates.get(0).destination()).isEqualTo("${NOMAD_TASK_DIR}/app.conf");
        assertThat(templates.get(0).changeScript())
                .isEqualTo(
                        new TemplateSpec.ChangeScript("/bin/sh", List.of("-c", "true"), Duration.ofSeconds(2), true));
        assertThat(templates.get(0).waitMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(templates.get(0).splay()).isEqualTo(Duration.ofMillis(100));
        assertThat(templates.get(1).env()).isTrue();
    }
}
