package dev.taskdrivers.consul;

import static dev.taskdrivers.runner.TaskEventType.KILLING;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RESTART_SIGNALED;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code check_restart} on checks of consul services against the real agent: real raw_exec tasks serve HTTP with
 * busybox httpd, the agent runs their http checks (the registry their script checks), and the runner restarts a task
 * through its restart policy once the registry reports {@code limit} unhealthy results in a row after the grace.
 */
@Tag("real")
class CheckRestartRealTest {
    private static final Logger LOG = LoggerFactory.getLogger(CheckRestartRealTest.class);
    private static final Duration WAIT = ConsulRunner.WAIT;

    /**
     * Each start writes the "health" file the http check asks for and a "code" file the script check exits with,
     * then serves the task directory. Consul runs no check more often than once a second.
     */
    private static final String JOB = """
            job "checked" {
              group "g" {
                network {
                  port "http" {}
                }
                restart {
                  attempts = 3
                  interval = "10m"
                  delay    = "100ms"
                  mode     = "fail"
                }
                task "web" {
                  driver = "raw_exec"
                  config {
                    command = "/bin/sh"
                    args = ["-c", "echo ok > $NOMAD_TASK_DIR/health; exec /bin/busybox httpd -f -p 127.0.0.1:$NOMAD_PORT_http -h $NOMAD_TASK_DIR"]
                  }
                  service {
                    name = "ccr-web"
                    port = "http"
                    check_restart {
                      limit = 3
                    }
                    check {
                      name     = "health"
                      type     = "http"
                      path     = "/health"
                      interval = "1s"
                      timeout  = "1s"
                      check_restart {
                        grace = "2s"
                      }
                    }
                  }
                }
              }
            }
            """;

    /** Two tasks whose script checks exit with their "code" file: one ignores warnings, the other does not. */
    private static final String SCRIPTS =
            """
            job "scripted" {
              group "g" {
                restart {
                  attempts = 3
                  interval = "10m"
                  delay    = "100ms"
                  mode     = "fail"
                }
            %s
            %s
              }
            }
            """.formatted(scripted("ignoring", "ignore_warnings = true"), scripted("counting", ""));

    /**
     * Task {@code name} writes 0 to its "code" file, then sleeps; its service "ccr-{@code name}" has a script check
     * "code" that exits with that file, restarting the task after 2 unhealthy results past a grace of 1s.
     */
    private static String scripted(String name, String moreCheckRestart) {
        return """
                task "%1$s" {
                  driver = "raw_exec"
                  config {
                    command = "/bin/sh"
                    args = ["-c", "echo 0 > $NOMAD_TASK_DIR/code; exec sleep 600"]
                  }
                  service {
                    name = "ccr-%1$s"
                    check {
                      name     = "code"
                      type     = "script"
                      command  = "/bin/sh"
                      args     = ["-c", "echo code $(cat $NOMAD_TASK_DIR/code); exit $(cat $NOMAD_TASK_DIR/code)"]
                      interval = "1s"
                      timeout  = "5s"
                      check_restart {
                        limit = 2
                        grace = "1s"
                        %2$s
                      }
                    }
                  }
                }""".formatted(name, moreCheckRestart).indent(4).stripTrailing();
    }

    @RegisterExtension
    final ConsulRunner consul = new ConsulRunner();

    /** The agent's status of the check of ours named {@code name} on the service named {@code service}. */
    private String status(String service, String name) {
        return TestAgent.checks().values().stream()
                .filter(c -> consul.ours((String) c.get("CheckID")))
                .filter(c -> service.equals(c.get("ServiceName")) && name.equals(c.get("Name")))
                .map(c -> (String) c.get("Status"))
                .findFirst()
                .orElse("absent");
    }

    private static TaskStatus task(AllocationHandle alloc, String name) {
        return alloc.status().tasks().get(name);
    }

    private static List<TaskEventType> types(TaskStatus status) {
        return status.events().stream().map(TaskEvent::type).toList();
    }

    @Test
    void anHttpCheckThatFailsAfterTheStartRestartsTheTaskThroughItsRestartPolicy() throws Exception {
        AllocationHandle alloc =
                consul.runner().submit(consul.runner().parse(JOB)).get(0);
        Path health = consul.allocDir(alloc.id()).resolve("web/local/health");
        await().atMost(WAIT).until(() -> status("ccr-web", "health").equals("passing"));
        assertThat(task(alloc, "web").restarts()).isZero();

        Instant broken = Instant.now();
        Files.delete(health); // the agent's check now gets 404
        await().atMost(WAIT).until(() -> task(alloc, "web").restarts() == 1);
        TaskStatus restarted = task(alloc, "web");
        TaskEvent signaled = restarted.events().stream()
                .filter(e -> e.type() == RESTART_SIGNALED)
                .findFirst()
                .orElseThrow();
        LOG.info(
                "check_restart: {} ms from the broken check to the restart (interval 1s, limit 3)",
                Duration.between(broken, signaled.time()).toMillis());
        assertThat(signaled.message())
                .startsWith("healthcheck: check \"health\" unhealthy (critical 3 times in a row: ")
                .contains("/health")
                .contains("404");
        // three results a second apart: the first may come as soon as the agent's next run
        assertThat(Duration.between(broken, signaled.time())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(types(restarted)).containsSubsequence(STARTED, RESTART_SIGNALED, KILLING, TERMINATED, RESTARTING);

        // the new start writes the file again: the check passes and the task keeps running, restarted once
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(task(alloc, "web").state()).isEqualTo(TaskState.RUNNING);
            assertThat(types(task(alloc, "web"))).containsSubsequence(RESTARTING, STARTED);
            assertThat(status("ccr-web", "health")).isEqualTo("passing");
        });
        assertThat(task(alloc, "web").restarts()).isEqualTo(1);
        LOG.info("registry requests so far: {}", consul.registry().counters());
    }

    @Test
    void aHealthyCheckNeverRestartsItsTask() throws Exception {
        AllocationHandle alloc =
                consul.runner().submit(consul.runner().parse(JOB)).get(0);
        await().atMost(WAIT).until(() -> status("ccr-web", "health").equals("passing"));

        // well past the grace and three intervals
        await().during(Duration.ofSeconds(6))
                .atMost(WAIT)
                .until(() -> task(alloc, "web").restarts() == 0
                        && status("ccr-web", "health").equals("passing"));
        assertThat(types(task(alloc, "web"))).doesNotContain(RESTART_SIGNALED);
        assertThat(task(alloc, "web").state()).isEqualTo(TaskState.RUNNING);

        // once the task is stopped its watch is closed: nothing is watched, so the agent's checks are not read (the
        // sync loop's own reads go on, so the registry's read count is no measure of it)
        assertThat(consul.registry().checkWatches()).isEqualTo(1);
        alloc.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(consul.registry().checkWatches()).isZero();
    }

    @Test
    void warningsRestartATaskUnlessItsCheckIgnoresThem() throws Exception {
        AllocationHandle alloc =
                consul.runner().submit(consul.runner().parse(SCRIPTS)).get(0);
        Path allocDir = consul.allocDir(alloc.id());
        await().atMost(WAIT)
                .until(() -> status("ccr-ignoring", "code").equals("passing")
                        && status("ccr-counting", "code").equals("passing"));

        Files.writeString(allocDir.resolve("ignoring/local/code"), "1\n");
        Files.writeString(allocDir.resolve("counting/local/code"), "1\n");
        await().atMost(WAIT).until(() -> task(alloc, "counting").restarts() == 1);
        assertThat(task(alloc, "counting").events())
                .filteredOn(e -> e.type() == RESTART_SIGNALED)
                .extracting(TaskEvent::message)
                .singleElement()
                .asString()
                .startsWith("healthcheck: check \"code\" unhealthy (warning 2 times in a row: code 1");
        assertThat(status("ccr-ignoring", "code")).isEqualTo("warning");
        // the one that ignores warnings keeps running through many more of them
        await().during(Duration.ofSeconds(4))
                .atMost(WAIT)
                .until(() -> task(alloc, "ignoring").restarts() == 0
                        && status("ccr-ignoring", "code").equals("warning"));
        assertThat(types(task(alloc, "ignoring"))).doesNotContain(RESTART_SIGNALED);

        // but a critical result still counts for it
        Files.writeString(allocDir.resolve("ignoring/local/code"), "2\n");
        await().atMost(WAIT).until(() -> task(alloc, "ignoring").restarts() == 1);
        assertThat(task(alloc, "ignoring").events())
                .filteredOn(e -> e.type() == RESTART_SIGNALED)
                .extracting(TaskEvent::message)
                .singleElement()
                .asString()
                .startsWith("healthcheck: check \"code\" unhealthy (critical 2 times in a row: code 2");
    }
}
