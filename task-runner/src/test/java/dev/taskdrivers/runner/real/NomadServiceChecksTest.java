package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.NOT_RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RESTART_SIGNALED;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checks of a {@code provider = "nomad"} service, run by the runner as Nomad's client runs them: a real raw_exec
 * task serves HTTP with busybox httpd, its http check passes, then fails when the served file goes, and its
 * {@code check_restart} restarts the task through the group's restart policy.
 */
@Tag("real")
class NomadServiceChecksTest {
    /**
     * Each start writes the "health" file the http check asks for, then serves the task directory. The "closed"
     * port has no listener: its tcp check, without check_restart, stays critical and restarts nothing.
     */
    private static final String JOB = HttpdJob.text("checked", 1, "echo ok > $NOMAD_TASK_DIR/health", """
            service {
              provider = "nomad"
              name     = "web"
              port     = "http"
              check_restart {
                limit = 3
              }
              check {
                name     = "health"
                type     = "http"
                path     = "/health"
                interval = "200ms"
                timeout  = "1s"
                check_restart {
                  grace = "300ms"
                }
              }
            }
            service {
              provider = "nomad"
              name     = "nobody"
              port     = "closed"
              check {
                name     = "closed-port"
                type     = "tcp"
                interval = "200ms"
                timeout  = "1s"
              }
            }
            """, "closed");

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @BeforeEach
    void setUp() {
        RealEnvironment.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox at /bin/busybox");
    }

    private Optional<CheckStatus> check(String name) {
        return real.runner().nomadServiceChecks().stream()
                .filter(c -> c.check().equals(name))
                .findFirst();
    }

    private CheckHealth health(String name) {
        return check(name).map(CheckStatus::health).orElse(null);
    }

    private static TaskStatus web(AllocationHandle alloc) {
        return alloc.status().tasks().get("web");
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    @Test
    void anUnhealthyCheckRestartsItsTaskThroughTheRestartPolicy() throws Exception {
        AllocationHandle alloc = real.runner().submit(real.runner().parse(JOB)).get(0);
        Path health = real.allocDir(alloc).resolve("web/local/health");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(health("health")).isEqualTo(CheckHealth.PASSING);
            assertThat(health("closed-port")).isEqualTo(CheckHealth.CRITICAL);
        });
        assertThat(check("health").orElseThrow().output()).contains("/health").endsWith(": 200");
        // as in Nomad, a registration is listed whatever its checks say
        assertThat(real.runner().nomadServices())
                .extracting(r -> r.serviceName())
                .containsExactly("nobody", "web");
        // the always critical check has no check_restart: it restarts nothing
        assertThat(web(alloc).restarts()).isZero();

        Files.delete(health); // the check now gets 404
        await().atMost(WAIT).until(() -> web(alloc).restarts() == 1);
        TaskStatus restarted = web(alloc);
        assertThat(restarted.events())
                .filteredOn(e -> e.type() == RESTART_SIGNALED)
                .extracting(TaskEvent::message)
                .singleElement()
                .asString()
                .startsWith("healthcheck: check \"health\" unhealthy (critical 3 times in a row: ")
                .contains("404");
        assertThat(types(restarted.events()))
                .containsSubsequence(STARTED, RESTART_SIGNALED, KILLING, TERMINATED, RESTARTING);

        // the new start writes the file again: the check passes and the task keeps running
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(web(alloc).state()).isEqualTo(TaskState.RUNNING);
            assertThat(types(web(alloc).events())).containsSubsequence(RESTARTING, STARTED);
            assertThat(health("health")).isEqualTo(CheckHealth.PASSING);
        });

        // a second unhealthy spell exhausts the policy's one attempt: the restart counted as a failure
        Files.delete(health);
        AllocationStatus end = alloc.await(WAIT);
        TaskStatus failed = end.tasks().get("web");
        assertThat(failed.state()).isEqualTo(TaskState.DEAD);
        assertThat(failed.failed()).isTrue();
        assertThat(types(failed.events())).endsWith(NOT_RESTARTING).contains(RESTART_SIGNALED);
        assertThat(real.runner().nomadServices()).isEmpty();
        assertThat(real.runner().nomadServiceChecks()).isEmpty();
    }

    @Test
    void aBatchTaskStoppedForAnUnhealthyCheckIsRestartedEvenWhenItExitsZero() throws Exception {
        // the task ends with 0 on its kill signal: still a failure to the restart policy, as in Nomad
        String batch = JOB.replace("job \"checked\" {", "job \"checked\" {\n  type = \"batch\"")
                .replace(
                        "exec /bin/busybox httpd -f -p 127.0.0.1:$NOMAD_PORT_http -h $NOMAD_TASK_DIR",
                        "trap 'exit 0' TERM; /bin/busybox httpd -f -p 127.0.0.1:$NOMAD_PORT_http -h $NOMAD_TASK_DIR &"
                                + " wait");
        AllocationHandle alloc =
                real.runner().submit(real.runner().parse(batch)).get(0);
        Path health = real.allocDir(alloc).resolve("web/local/health");
        await().atMost(WAIT).until(() -> health("health") == CheckHealth.PASSING);

        Files.delete(health);

        await().atMost(WAIT).until(() -> web(alloc).restarts() == 1);
        assertThat(types(web(alloc).events())).containsSubsequence(RESTART_SIGNALED, TERMINATED, RESTARTING);
        assertThat(web(alloc).events())
                .filteredOn(e -> e.type() == TERMINATED)
                .first()
                .extracting(TaskEvent::message)
                .asString()
                .contains("0");
        await().atMost(WAIT).until(() -> web(alloc).state() == TaskState.RUNNING);
    }

    @Test
    void aCheckWithinItsGraceDoesNotCount() throws Exception {
        String slowStart = JOB.replace("grace = \"300ms\"", "grace = \"1h\"");
        AllocationHandle alloc =
                real.runner().submit(real.runner().parse(slowStart)).get(0);
        Path health = real.allocDir(alloc).resolve("web/local/health");
        await().atMost(WAIT).until(() -> health("health") == CheckHealth.PASSING);

        Files.delete(health);
        await().atMost(WAIT).until(() -> health("health") == CheckHealth.CRITICAL);
        // well past the limit of three 200ms intervals, still within the grace
        await().during(Duration.ofSeconds(1))
                .atMost(WAIT)
                .until(() -> web(alloc).restarts() == 0);
        assertThat(types(web(alloc).events())).doesNotContain(RESTART_SIGNALED);
    }
}
