package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        assertThat(problems(hcl("""
                    task "db" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                      service {
                        name     = "db"
                        provider = "etcd"
                      }
                    }
                """)))
                .containsExactly("job.groups[0].tasks[0].services[0].provider: must be consul or nomad, got \"etcd\"");
    }

    @Test
    void servicesOfOneGroupMustUseOneProviderAsInNomad() {
        assertThat(problems(hcl("""
                    task "db" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                      service {
                        name     = "db"
                        port     = "db"
                        provider = "nomad"
                      }
                    }
                    task "web" {
                      driver = "raw_exec"
                      config { command = "/bin/sleep" }
                      service {
                        name = "web"
                        port = "web"
                      }
                    }
                """)))
                .containsExactly("job.groups[0].tasks[1].services[0].provider: is consul but tasks[0].services[0] is"
                        + " nomad: all services of a group must use the same provider");
    }

    @Test
    void checksOfNomadServicesAreRefusedByTheBuilderToo() {
        GroupSpec.Builder group = GroupSpec.builder("g")
                .task(TaskSpec.builder("db", "raw_exec")
                        .ports(PortSpec.dynamic("db"))
                        .service(ServiceSpec.builder("db")
                                .port("db")
                                .provider(ServiceProvider.NOMAD)
                                .check(CheckSpec.tcp().interval(Duration.ofSeconds(5)))));

        assertThat(group.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly("tasks[0].services[0].checks: checks of services with provider nomad are not"
                        + " supported yet; use provider consul for a checked service");
    }
}
