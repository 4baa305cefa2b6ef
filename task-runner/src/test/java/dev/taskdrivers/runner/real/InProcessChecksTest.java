package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-process registry running the checks of a real raw_exec task that serves HTTP with busybox httpd. */
@Tag("real")
class InProcessChecksTest {

    /** busybox httpd serving the task dir; the script check exits with the number in the task dir's "code" file. */
    private static final String SPEC = """
            {"job": {"name": "checked", "groups": [{"name": "g", "tasks": [{
              "name": "web", "driver": "raw_exec",
              "config": {"command": "/bin/sh", "args": ["-c",
                "echo ok > \\"$NOMAD_TASK_DIR/index.html\\"; echo 0 > \\"$NOMAD_TASK_DIR/code\\"; \
                 exec /bin/busybox httpd -f -p \\"127.0.0.1:$NOMAD_PORT_http\\" -h \\"$NOMAD_TASK_DIR\\""]},
              "resources": {"ports": {"http": {}, "closed": {}}},
              "services": [{"name": "web", "port": "http", "checks": [
                {"name": "home", "type": "http", "path": "/", "interval": "200ms", "timeout": "1s"},
                {"name": "missing", "type": "http", "path": "/missing", "interval": "200ms", "timeout": "1s",
                 "initial_status": "passing"},
                {"name": "port", "type": "tcp", "interval": "200ms", "timeout": "1s"},
                {"name": "nobody-listens", "type": "tcp", "port": "closed", "interval": "200ms", "timeout": "1s",
                 "initial_status": "passing"},
                {"name": "script", "type": "script", "command": "/bin/sh",
                 "args": ["-c", "echo code $(cat \\"$NOMAD_TASK_DIR/code\\"); exit $(cat \\"$NOMAD_TASK_DIR/code\\")"],
                 "interval": "200ms", "timeout": "2s"},
                {"name": "rpc", "type": "grpc", "interval": "1s", "timeout": "1s"}]}]}]}]}}
            """;

    final InProcessServiceRegistry registry = new InProcessServiceRegistry();
    final List<String> changes = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.serviceRegistry(registry)).whenClosed(registry::close);

    @BeforeEach
    void setUp() {
        RealEnvironment.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox at /bin/busybox");
        registry.addListener(new InProcessServiceRegistry.Listener() {
            @Override
            public void registered(InProcessServiceRegistry.Registration registration) {}

            @Override
            public void checkChanged(CheckStatus previous, CheckStatus current) {
                changes.add(current.check() + ":" + previous.health() + "->" + current.health());
            }
        });
    }

    private Optional<CheckStatus> check(String name) {
        return registry.checks("web").stream()
                .filter(c -> c.check().equals(name))
                .findFirst();
    }

    private CheckHealth health(String name) {
        return check(name).map(CheckStatus::health).orElse(null);
    }

    @Test
    void checksRunOnTheirIntervalAndFollowTheTask() throws Exception {
        AllocationHandle alloc = real.runner().submit(real.runner().parse(SPEC)).get(0);
        Path code = real.allocDir(alloc).resolve("web/local/code");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(health("home")).isEqualTo(CheckHealth.PASSING);
            assertThat(health("missing")).isEqualTo(CheckHealth.CRITICAL);
            assertThat(health("port")).isEqualTo(CheckHealth.PASSING);
            assertThat(health("nobody-listens")).isEqualTo(CheckHealth.CRITICAL);
            assertThat(health("script")).isEqualTo(CheckHealth.PASSING);
        });
        assertThat(check("home").orElseThrow().output())
                .contains("HTTP GET http://127.0.0.1:")
                .endsWith(": 200");
        assertThat(check("missing").orElseThrow().output()).endsWith(": 404");
        assertThat(check("script").orElseThrow().output()).isEqualTo("exit code 0: code 0");
        assertThat(check("rpc").orElseThrow().health()).isEqualTo(CheckHealth.NOT_SUPPORTED);
        assertThat(check("rpc").orElseThrow().output()).contains("not run by the in-process registry");

        Files.writeString(code, "1\n");
        await().atMost(WAIT).until(() -> health("script") == CheckHealth.WARNING);
        Files.writeString(code, "2\n");
        await().atMost(WAIT).until(() -> health("script") == CheckHealth.CRITICAL);
        assertThat(check("script").orElseThrow().output()).isEqualTo("exit code 2: code 2");
        assertThat(changes)
                .containsSubsequence("script:CRITICAL->PASSING", "script:PASSING->WARNING", "script:WARNING->CRITICAL");
        assertThat(changes)
                .contains("home:CRITICAL->PASSING", "missing:PASSING->CRITICAL", "nobody-listens:PASSING->CRITICAL");

        alloc.stop().get();
        assertThat(registry.checks()).isEmpty();
        int seen = changes.size();
        // a withdrawn check must not report again, for three of its intervals
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> changes.size() == seen);
    }

    /**
     * A consul service's script check (the default provider) with a {@code check_restart}: the in-process registry
     * reports its results, so warnings are ignored as asked and criticals past the limit restart the task.
     */
    @Test
    void checkRestartOfAConsulServiceRestartsTheTaskFromTheRegistrysResults() throws Exception {
        String job = HttpdJob.text("restarted", 3, "echo 0 > $NOMAD_TASK_DIR/code", """
                service {
                  name = "web"
                  port = "http"
                  check {
                    name     = "script"
                    type     = "script"
                    command  = "/bin/sh"
                    args     = ["-c", "echo code $(cat $NOMAD_TASK_DIR/code); exit $(cat $NOMAD_TASK_DIR/code)"]
                    interval = "200ms"
                    timeout  = "2s"
                    check_restart {
                      limit           = 3
                      grace           = "300ms"
                      ignore_warnings = true
                    }
                  }
                }
                """);
        AllocationHandle alloc = real.runner().submit(real.runner().parse(job)).get(0);
        Path code = real.allocDir(alloc).resolve("web/local/code");
        await().atMost(WAIT).until(() -> health("script") == CheckHealth.PASSING);

        Files.writeString(code, "1\n");
        await().atMost(WAIT).until(() -> health("script") == CheckHealth.WARNING);
        // warnings are ignored: well past three 200ms intervals, no restart
        await().during(Duration.ofSeconds(1))
                .atMost(WAIT)
                .until(() -> alloc.status().tasks().get("web").restarts() == 0);

        Files.writeString(code, "2\n");
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").restarts() == 1);
        assertThat(alloc.status().tasks().get("web").events())
                .filteredOn(e -> e.type() == TaskEventType.RESTART_SIGNALED)
                .extracting(TaskEvent::message)
                .singleElement()
                .asString()
                .startsWith("healthcheck: check \"script\" unhealthy (critical 3 times in a row: ")
                .contains("code 2");
        // the new start writes 0 again: the task keeps running with a passing check
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(alloc.status().tasks().get("web").state()).isEqualTo(TaskState.RUNNING);
            assertThat(health("script")).isEqualTo(CheckHealth.PASSING);
        });
        assertThat(alloc.status().tasks().get("web").restarts()).isEqualTo(1);
    }
}
