package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SpecParserTest {
    private final SpecParser parser = new SpecParser();

    private static final String FULL = """
            {"job": {"name": "shop", "type": "batch", "datacenter": "eu1", "region": "europe", "meta": {"team": "a"},
              "groups": [{"name": "web", "count": 2, "meta": {"tier": "front"},
                "restart": {"attempts": 3, "interval": "5m", "delay": "1m30s", "mode": "delay", "jitter": "2s"},
                "tasks": [{"name": "server", "driver": "raw_exec", "leader": true,
                  "config": {"command": "/bin/sleep", "args": ["10"]},
                  "env": {"A": "1"}, "meta": {"m": "x"}, "user": "nobody",
                  "resources": {"cpu": 250, "memory_mb": 128, "ports": {"http": {}, "admin": {"static": 9090}}},
                  "kill_timeout": "10s", "kill_signal": "SIGINT",
                  "services": [{"name": "web", "tags": ["v1"], "port": "http", "address_mode": "host",
                    "meta": {"k": "v"},
                    "checks": [{"name": "alive", "type": "http", "path": "/health", "method": "HEAD",
                                "protocol": "https", "header": {"X-A": ["1", "2"]}, "tls_skip_verify": true,
                                "interval": "10s", "timeout": "2s", "initial_status": "passing"},
                               {"type": "script", "command": "/bin/true", "args": ["-x"], "interval": "5s",
                                "timeout": "1s"},
                               {"type": "grpc", "port": "admin", "grpc_service": "svc", "grpc_use_tls": true,
                                "address_mode": "driver", "interval": "5s", "timeout": "1s"}]}]}]}]}}
            """;

    @Test
    void everyFieldOfAFullSpecIsRead() {
        JobSpec job = parser.parse(FULL);

        assertThat(job.name()).isEqualTo("shop");
        assertThat(job.type()).isEqualTo(JobType.BATCH);
        assertThat(job.datacenter()).isEqualTo("eu1");
        assertThat(job.region()).isEqualTo("europe");
        GroupSpec group = job.groups().get(0);
        assertThat(group.count()).isEqualTo(2);
        assertThat(group.restart())
                .isEqualTo(RestartPolicy.builder()
                        .attempts(3)
                        .interval(Duration.ofMinutes(5))
                        .delay(Duration.ofSeconds(90))
                        .mode(RestartPolicy.Mode.DELAY)
                        .jitter(Duration.ofSeconds(2))
                        .build());
        TaskSpec task = group.tasks().get(0);
        assertThat(task.leader()).isTrue();
        assertThat(task.config()).containsEntry("command", "/bin/sleep");
        assertThat(task.cpu()).isEqualTo(250);
        assertThat(task.memoryMb()).isEqualTo(128);
        assertThat(task.ports()).containsExactlyInAnyOrder(PortSpec.dynamic("http"), PortSpec.fixed("admin", 9090));
        assertThat(task.killTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(task.killSignal()).isEqualTo("SIGINT");
        assertThat(task.user()).isEqualTo("nobody");
        ServiceSpec service = task.services().get(0);
        assertThat(service.addressMode()).isEqualTo(AddressMode.HOST);
        assertThat(service.tags()).containsExactly("v1");
        CheckSpec http = service.checks().get(0);
        assertThat(http.type()).isEqualTo(CheckType.HTTP);
        assertThat(http.headers()).containsEntry("X-A", List.of("1", "2"));
        assertThat(http.protocol()).isEqualTo("https");
        assertThat(http.initialStatus()).isEqualTo("passing");
        CheckSpec script = service.checks().get(1);
        assertThat(script.command()).containsExactly("/bin/true", "-x");
        assertThat(script.name()).isEqualTo("service: \"web\" check");
        assertThat(service.checks().get(2).grpcUseTls()).isTrue();
        assertThat(service.checks().get(2).addressMode()).isEqualTo(AddressMode.DRIVER);
    }

    @Test
    void aTaskWrittenBackIsReadBackEqual() {
        TaskSpec task = parser.parse(FULL)
                .groups()
                .get(0)
                .tasks()
                .get(0)
                .withRestart(RestartPolicy.builder()
                        .attempts(1)
                        .interval(Duration.ofMinutes(1))
                        .delay(Duration.ofMillis(1500))
                        .jitter(Duration.ZERO)
                        .build());
        List<ValidationProblem> problems = new ArrayList<>();

        TaskSpec again = parser.task(SpecWriter.task(task), "task", problems);

        assertThat(problems).isEmpty();
        assertThat(again).isEqualTo(task);
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        String spec = """
                {"job": {"name": "bad name", "colour": "red", "type": "cron",
                  "groups": [{"name": "g", "count": "two",
                    "tasks": [{"name": "a", "driver": "raw_exec", "resources": {"memory_mb": "lots"}},
                              {"name": "a", "resources": {"ports": {"http": {"static": 70000}}},
                               "kill_timeout": "soon", "restart": {"mode": "sometimes"},
                               "services": [{"name": "s", "port": "nope",
                                 "checks": [{"type": "http", "interval": "1s", "timeout": "1s"}]}]}]}]}}
                """;

        assertThatThrownBy(() -> parser.parse(spec))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems())
                        .extracting(ValidationProblem::toString)
                        .contains(
                                "job.name: must be 1-128 letters, digits, '_', '.' or '-' starting with a letter or"
                                        + " digit, got \"bad name\"",
                                "job.colour: unknown option",
                                "job.type: must be \"service\" or \"batch\", got \"cron\"",
                                "job.groups[0].count: must be a whole number, got \"two\"",
                                "job.groups[0].tasks[0].resources.memory_mb: must be a whole number, got \"lots\"",
                                "job.groups[0].tasks[1].driver: is required",
                                "job.groups[0].tasks[1].name: duplicate task name \"a\"",
                                "job.groups[0].tasks[1].resources.ports.http.static: must be between 1 and 65535,"
                                        + " got 70000",
                                "job.groups[0].tasks[1].restart.mode: must be \"delay\" or \"fail\", got \"sometimes\"",
                                "job.groups[0].tasks[1].services[0].checks[0].path: is required for an http check")
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("job.groups[0].tasks[1].kill_timeout: must be a" + " duration"))
                        .anySatisfy(p -> assertThat(p)
                                .startsWith(
                                        "job.groups[0].tasks[1].services[0].port: no port" + " labelled \"nope\"")));
    }

    @Test
    void aPersistedTaskThatBreaksARuleIsReadWithThatFieldAtItsDefaultAndTheProblemReported() {
        List<ValidationProblem> problems = new ArrayList<>();

        TaskSpec task = parser.task(
                Map.of(
                        "name",
                        "t",
                        "driver",
                        "raw_exec",
                        "resources",
                        Map.of("cpu", 0, "memory_mb", 64),
                        "kill_signal",
                        "TERM"),
                "task",
                problems);

        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactly("task.kill_signal", "task.resources.cpu");
        assertThat(task.cpu()).isEqualTo(100);
        assertThat(task.killSignal()).isEqualTo("SIGTERM");
        assertThat(task.memoryMb()).isEqualTo(64);
    }

    @Test
    void aPersistedTaskWithoutAUsableNameIsNotRead() {
        List<ValidationProblem> problems = new ArrayList<>();

        assertThat(parser.task(Map.of("name", "bad name", "driver", "raw_exec"), "task", problems))
                .isNull();
        assertThat(problems).extracting(ValidationProblem::field).containsExactly("task.name");
    }

    @Test
    void aJobWithoutATypeIsAServiceJobAsInNomad() {
        JobSpec job = parser.parse("""
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "t", "driver": "raw_exec"}]}]}}
                """);

        assertThat(job.type()).isEqualTo(JobType.SERVICE);
    }

    @Test
    void malformedJsonNamesTheLineAndColumn() {
        assertThatThrownBy(() -> parser.parse("{\"job\": {\"name\": \"x\",\n  \"groups\": [}}"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("line 2, column");
    }

    @Test
    void aMissingJobAndAWrongListTypeAreProblems() {
        assertThatThrownBy(() -> parser.parse("{}")).hasMessageContaining("job: is required");
        assertThatThrownBy(() -> parser.parse("{\"job\": {\"name\": \"j\", \"groups\": {}}}"))
                .hasMessageContaining("job.groups: must be a list of objects");
        assertThatThrownBy(() -> parser.parse("{\"job\": {\"name\": \"j\", \"groups\": [1]}}"))
                .hasMessageContaining("job.groups[0]: must be an object");
    }

    @Property(tries = 200)
    void aWrongTypeAnywhereInATaskIsReportedAtItsPath(
            @ForAll("taskFields") String field, @ForAll("wrongValues") Object wrong) {
        Map<String, Object> task = new java.util.LinkedHashMap<>(Map.of("name", "t", "driver", "raw_exec"));
        String path;
        if (field.startsWith("resources.")) {
            task.put("resources", Map.of(field.substring("resources.".length()), wrong));
            path = "job.groups[0].tasks[0]." + field;
        } else {
            task.put(field, wrong);
            path = "job.groups[0].tasks[0]." + field;
        }
        List<ValidationProblem> problems = new ArrayList<>();
        parser.task(task, "job.groups[0].tasks[0]", problems);

        assertThat(problems)
                .extracting(ValidationProblem::field)
                .anySatisfy(f -> assertThat(f).startsWith(path));
    }

    @Provide
    Arbitrary<String> taskFields() {
        return Arbitraries.of(
                "leader",
                "config",
                "env",
                "meta",
                "kill_timeout",
                "kill_signal",
                "resources.cpu",
                "resources.memory_mb",
                "resources.ports",
                "services",
                "restart");
    }

    @Provide
    Arbitrary<Object> wrongValues() {
        // none of these is valid for any of the fields above (config takes any object, so no object here)
        return Arbitraries.of(List.of(1, 2), 1.5, -7, "not-a-duration-or-number");
    }
}
