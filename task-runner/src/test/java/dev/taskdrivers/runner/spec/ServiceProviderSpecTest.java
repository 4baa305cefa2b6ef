package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckRestart;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's provider in every reader and writer, and the rules Nomad sets for it. */
class ServiceProviderSpecTest {
    private final SpecParser parser = new SpecParser();

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    private static String hcl(String groupBody) {
        return """
                job "shop" {
                  group "g" {
                    network {
                      port "db" {}
                      port "web" {}
                    }
                %s
                  }
                }
                """.formatted(groupBody);
    }

    /** A raw_exec task {@code name} that sleeps, with {@code services} (its service blocks), for {@link #hcl}. */
    private static String sleeper(String name, String services) {
        return """
                    task "%s" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                %s
                    }
                """.formatted(name, services.indent(2).stripTrailing());
    }

    @Test
    void theDefaultIsConsulAndTheBuilderKeepsNomad() {
        ServiceSpec plain = ServiceSpec.builder("web").build();
        ServiceSpec nomad =
                ServiceSpec.builder("web").provider(ServiceProvider.NOMAD).build();

        assertThat(plain.provider()).isEqualTo(ServiceProvider.CONSUL);
        assertThat(nomad.provider()).isEqualTo(ServiceProvider.NOMAD);
        assertThat(nomad).isNotEqualTo(plain);
        assertThat(nomad.toBuilder().build()).isEqualTo(nomad);
    }

    @Test
    void aJobFileServiceKeepsItsProviderWithoutAWarning() {
        SpecParser.Reading reading = parser.read(hcl("""
                    service {
                      name     = "db"
                      port     = "db"
                      provider = "nomad"
                    }
                    task "db" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                    }
                """));

        assertThat(reading.problems()).isEmpty();
        assertThat(reading.warnings()).extracting(ValidationProblem::field).noneMatch(f -> f.contains("provider"));
        JobSpec.Builder job = reading.job();
        assertThat(job).isNotNull();
        ServiceSpec db = job.build().groups().get(0).tasks().get(0).services().get(0);
        assertThat(db.provider()).isEqualTo(ServiceProvider.NOMAD);
    }

    @Test
    void theApiJsonProviderIsMapped() {
        JobSpec job = parser.parse("""
                {"Job": {"ID": "shop", "TaskGroups": [{"Name": "g", "Tasks": [{
                  "Name": "db", "Driver": "raw_exec", "Config": {"command": "/bin/sleep"},
                  "Services": [{"Name": "db", "Provider": "nomad"}]}]}]}}
                """);

        assertThat(job.groups().get(0).tasks().get(0).services().get(0).provider())
                .isEqualTo(ServiceProvider.NOMAD);
    }

    @Test
    void theSdkJsonReadsAndWritesIt() {
        TaskSpec task = TaskSpec.builder("db", "raw_exec")
                .service(ServiceSpec.builder("db").provider(ServiceProvider.NOMAD))
                .build();
        List<ValidationProblem> problems = new ArrayList<>();

        Map<String, Object> written = SpecWriter.task(task);
        TaskSpec again = parser.task(written, "task", problems);

        assertThat(problems).isEmpty();
        assertThat(again).isEqualTo(task);
        assertThat(SpecWriter.task(TaskSpec.builder("db", "raw_exec")
                                .service(ServiceSpec.builder("db"))
                                .build())
                        .toString())
                .as("the default is not written")
                .doesNotContain("provider");
    }

    @Test
    void anUnknownProviderIsAProblemAtItsPath() {
        assertThat(problems(hcl(sleeper("db", """
                    service {
                      name     = "db"
                      provider = "etcd"
                    }
                """))))
                .containsExactly("job.groups[0].tasks[0].services[0].provider: must be consul or nomad, got \"etcd\"");
    }

    @Test
    void servicesOfOneGroupMustUseOneProviderAsInNomad() {
        assertThat(problems(hcl(sleeper("db", """
                            service {
                              name     = "db"
                              port     = "db"
                              provider = "nomad"
                            }
                        """) + sleeper("web", """
                            service {
                              name = "web"
                              port = "web"
                            }
                        """))))
                .containsExactly("job.groups[0].tasks[1].services[0].provider: is consul but tasks[0].services[0] is"
                        + " nomad: all services of a group must use the same provider");
    }

    @Test
    void httpAndTcpChecksOfNomadServicesAreAcceptedScriptAndGrpcAreRefusedAtTheirPath() {
        GroupSpec.Builder group = GroupSpec.builder("g")
                .task(TaskSpec.builder("db", "raw_exec")
                        .ports(PortSpec.dynamic("db"))
                        .service(ServiceSpec.builder("db")
                                .port("db")
                                .provider(ServiceProvider.NOMAD)
                                .check(CheckSpec.tcp().interval(Duration.ofSeconds(5)))
                                .check(CheckSpec.http("/health"))
                                .check(CheckSpec.script("/bin/true"))
                                .check(CheckSpec.grpc())));

        assertThat(group.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "tasks[0].services[0].checks[2].type: is script: a service with provider nomad has http and"
                                + " tcp checks only, as in Nomad; use provider consul for script and grpc checks",
                        "tasks[0].services[0].checks[3].type: is grpc: a service with provider nomad has http and"
                                + " tcp checks only, as in Nomad; use provider consul for script and grpc checks");
    }

    @Test
    void aJobFileNamesTheRefusedCheckOfANomadServiceByItsPath() {
        assertThat(problems(hcl(sleeper("db", """
                    service {
                      name     = "db"
                      port     = "db"
                      provider = "nomad"
                      check {
                        type     = "script"
                        command  = "/bin/true"
                        interval = "5s"
                        timeout  = "1s"
                      }
                    }
                """))))
                .containsExactly("job.groups[0].tasks[0].services[0].checks[0].type: is script: a service with"
                        + " provider nomad has http and tcp checks only, as in Nomad; use provider consul for script"
                        + " and grpc checks");
    }

    @Test
    void checkRestartOfAConsulServiceIsRefusedOnlyByARegistryThatReportsNoCheckResults(@TempDir Path scratch) {
        JobSpec job = JobSpec.service(
                "shop",
                List.of(GroupSpec.builder("g")
                        .task(TaskSpec.builder("web", "raw_exec")
                                .config(Map.of("command", "/bin/sleep"))
                                .ports(PortSpec.dynamic("web"))
                                .service(ServiceSpec.builder("web")
                                        .port("web")
                                        .check(CheckSpec.tcp()
                                                .name("restarting")
                                                .checkRestart(new CheckRestart(3, Duration.ZERO, false)))
                                        .check(CheckSpec.tcp()
                                                .name("inert")
                                                .checkRestart(new CheckRestart(0, Duration.ZERO, false)))))
                        .build()));
        // a registry that never reports its checks' results: its restarts could never happen
        ServiceRegistry silent = new ServiceRegistry() {
            @Override
            public void registerTask(TaskServices task) {}

            @Override
            public void removeTask(TaskServices task) {}

            @Override
            public void recoveryComplete() {}

            @Override
            public void close() {}
        };

        try (DriverRegistry drivers = DriverRegistry.of(List.of(new RawExecDriverFactory()), scratch, Map.of());
                InProcessServiceRegistry inProcess = new InProcessServiceRegistry()) {
            assertThat(new JobValidator(drivers, inProcess, "127.0.0.1").problems(job))
                    .as("the in-process registry reports its checks' results")
                    .isEmpty();
            assertThat(new JobValidator(drivers).problems(job))
                    .as("no registry to ask")
                    .isEmpty();
            assertThat(new JobValidator(drivers, silent, "127.0.0.1").problems(job))
                    .extracting(ValidationProblem::toString)
                    .singleElement()
                    .asString()
                    .startsWith("job.groups[0].tasks[0].services[0].checks[0].check_restart: needs the results of"
                            + " the check, which the service registry ")
                    .endsWith(" does not report; use provider nomad, or a registry that reports them (inprocess,"
                            + " consul)");
        }
    }

    @Test
    void aBrokenCheckRestartOfAConsulServiceIsAProblemAtItsPath() {
        assertThat(problems(hcl(sleeper("web", """
                    service {
                      name = "web"
                      port = "web"
                      check_restart {
                        limit = "three"
                      }
                      check {
                        type     = "http"
                        path     = "/health"
                        interval = "5s"
                        timeout  = "1s"
                        check_restart {
                          grace           = "-1s"
                          ignore_warnings = "sometimes"
                        }
                      }
                    }
                """))))
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.limit: must be a whole number,"
                                + " got \"three\"",
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.grace: must be a duration like"
                                + " \"30s\" or \"1m30s\", got \"-1s\"",
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.ignore_warnings: must be true or"
                                + " false, got \"sometimes\"");
    }

    @Test
    void aServiceCheckRestartAppliesToEachCheckAndACheckOverridesItFieldByField() {
        JobSpec job = parser.parse(hcl(sleeper("web", """
                    service {
                      name     = "web"
                      port     = "web"
                      provider = "nomad"
                      check_restart {
                        limit           = 3
                        grace           = "90s"
                        ignore_warnings = true
                      }
                      check {
                        name     = "inherits"
                        type     = "tcp"
                        interval = "5s"
                        timeout  = "1s"
                      }
                      check {
                        name     = "overrides"
                        type     = "http"
                        path     = "/health"
                        interval = "5s"
                        timeout  = "1s"
                        check_restart {
                          limit = 1
                        }
                      }
                    }
                    service {
                      name     = "plain"
                      port     = "db"
                      provider = "nomad"
                      check {
                        type     = "tcp"
                        interval = "5s"
                        timeout  = "1s"
                        check_restart {}
                      }
                    }
                """)));

        List<ServiceSpec> services = job.groups().get(0).tasks().get(0).services();
        assertThat(services.get(0).checks())
                .extracting(CheckSpec::checkRestart)
                .containsExactly(
                        new CheckRestart(3, Duration.ofSeconds(90), true),
                        new CheckRestart(1, Duration.ofSeconds(90), true));
        // Nomad's defaults: no restart, a grace of 1s, warnings unhealthy
        assertThat(services.get(1).checks().get(0).checkRestart())
                .isEqualTo(new CheckRestart(0, Duration.ofSeconds(1), false));
        // the merged rule is written on each check, and read back the same
        TaskSpec task = job.groups().get(0).tasks().get(0);
        List<ValidationProblem> problems = new ArrayList<>();
        assertThat(parser.task(SpecWriter.task(task), "task", problems)).isEqualTo(task);
        assertThat(problems).isEmpty();
    }

    @Test
    void aBrokenCheckRestartIsAProblemAtItsPath() {
        assertThat(problems(hcl(sleeper("web", """
                    service {
                      name     = "web"
                      port     = "web"
                      provider = "nomad"
                      check {
                        type     = "tcp"
                        interval = "5s"
                        timeout  = "1s"
                        check_restart {
                          limit = -1
                          grace = "soon"
                          restarts = 2
                        }
                      }
                    }
                """))))
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.limit: must be between 0 and"
                                + " 2147483647, got -1",
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.grace: must be a duration like"
                                + " \"30s\" or \"1m30s\", got \"soon\"",
                        "job.groups[0].tasks[0].services[0].checks[0].check_restart.restarts: unknown option");
    }

    @Test
    void theApiJsonCheckRestartIsReadLikeTheJobFiles() {
        JobSpec job = parser.parse("""
                {"Job": {"ID": "web", "Name": "web", "TaskGroups": [{"Name": "g",
                  "Networks": [{"DynamicPorts": [{"Label": "web"}]}],
                  "Tasks": [{"Name": "web", "Driver": "raw_exec", "Config": {"command": "/bin/sleep"},
                    "Services": [{"Name": "web", "PortLabel": "web", "Provider": "nomad",
                      "Checks": [{"Name": "alive", "Type": "tcp", "Interval": 5000000000, "Timeout": 1000000000,
                        "CheckRestart": {"Limit": 2, "Grace": 10000000000, "IgnoreWarnings": false}},
                        {"Name": "plain", "Type": "tcp", "Interval": 5000000000, "Timeout": 1000000000,
                        "CheckRestart": null}]}]}]}]}}
                """);

        assertThat(job.groups().get(0).tasks().get(0).services().get(0).checks())
                .extracting(CheckSpec::checkRestart)
                .containsExactly(new CheckRestart(2, Duration.ofSeconds(10), false), null);
    }
}
