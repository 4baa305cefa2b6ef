package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ports of a group's {@code network} are the group's, as in Nomad: every task may use {@code ${NOMAD_PORT_L}}
 * of a port granted to a sibling, while a task's own {@code resources { network { } }} ports stay its own.
 */
class GroupNetworkPortsSpecTest {
    @TempDir
    static Path scratch;

    static DriverRegistry drivers;

    @BeforeAll
    static void drivers() {
        drivers = DriverRegistry.load(GroupNetworkPortsSpecTest.class.getClassLoader(), scratch, Map.of());
    }

    @AfterAll
    static void closeDrivers() {
        drivers.close();
    }

    private static JobSpec validate(String text) {
        return new JobValidator(drivers).parseAndValidate(new SpecParser(), text, w -> {});
    }

    private static final String JOB = """
            job "pair" {
              group "g" {
                network {
                  port "http" {}
                }
                task "server" {
                  driver = "raw_exec"
                  config {
                    command = "/bin/sh"
                    args    = ["-c", "exec httpd -p ${NOMAD_PORT_http}"]
                  }
                  service {
                    name = "web"
                    port = "http"
                  }
                }
                task "proxy" {
                  driver = "raw_exec"
                  config {
                    command = "/bin/sh"
                    args    = ["-c", "echo upstream ${NOMAD_ADDR_http} ${NOMAD_HOST_PORT_http}"]
                  }
                }
              }
            }
            """;

    /** {@link #JOB} with {@code service} (a service block) in its task "proxy". */
    private static String proxyWith(String service) {
        String proxyConfigEnd = """
                    args    = ["-c", "echo upstream ${NOMAD_ADDR_http} ${NOMAD_HOST_PORT_http}"]
                  }
            """;
        return JOB.replace(proxyConfigEnd, proxyConfigEnd + service.indent(6));
    }

    @Test
    void aSiblingOfTheTaskGrantedAGroupPortUsesItsBareVariables() {
        JobSpec job = validate(JOB);

        List<TaskSpec> tasks = job.groups().get(0).tasks();
        assertThat(tasks.get(0).ports())
                .containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(tasks.get(1).ports()).isEmpty();
    }

    @Test
    void aTasksOwnNetworkPortIsNotSeenUnderItsBareLabelBySiblings() {
        String text = JOB.replace("""
                network {
                  port "http" {}
                }
            """, "").replace("""
                  service {""", """
                  resources {
                    network {
                      port "http" {}
                    }
                  }
                  service {""");

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> validate(text));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::field)
                .containsOnly("job.groups[0].tasks[1].config.args[1]");
        assertThat(e.problems())
                .extracting(ValidationProblem::problem)
                .anySatisfy(p -> assertThat(p).contains("NOMAD_ADDR_http"))
                .anySatisfy(p -> assertThat(p).contains("NOMAD_HOST_PORT_http"));
    }

    @Test
    void aServiceOfAnotherTaskMayNameTheGroupPortAsInNomad() {
        String text = proxyWith("""
                service {
                  name         = "web-via-proxy"
                  port         = "http"
                  address_mode = "host"
                  check {
                    type     = "http"
                    port     = "http"
                    path     = "/"
                    interval = "1s"
                    timeout  = "1s"
                  }
                }
                """);

        JobSpec job = validate(text);

        List<TaskSpec> tasks = job.groups().get(0).tasks();
        assertThat(tasks.get(0).ports())
                .containsExactly(PortSpec.dynamic("http").inGroupNetwork());
        assertThat(tasks.get(1).ports()).isEmpty();
        assertThat(tasks.get(1).services().get(0).portLabel()).isEqualTo("http");
        assertThat(tasks.get(1).services().get(0).checks().get(0).portLabel()).isEqualTo("http");
    }

    @Test
    void aLabelNoPortOfTheGroupHasIsRefusedAtItsPathListingTheLabelsThereAre() {
        String text = proxyWith("""
                service {
                  name = "admin"
                  port = "admin"
                  check {
                    type     = "tcp"
                    port     = "htp"
                    interval = "1s"
                    timeout  = "1s"
                  }
                }
                """);

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> validate(text));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "job.groups[0].tasks[1].services[0].checks[0].port: no port labelled \"htp\" in"
                                + " resources.ports (labels: []) or in the group's network (labels of other tasks'"
                                + " group ports: [http])",
                        "job.groups[0].tasks[1].services[0].port: no port labelled \"admin\" in resources.ports"
                                + " (labels: []) or in the group's network (labels of other tasks' group ports:"
                                + " [http])");
    }

    @Test
    void theGroupMarkSurvivesTheSdkJsonTheStateFileIsWrittenIn() throws Exception {
        TaskSpec server = validate(JOB).groups().get(0).tasks().get(0);

        Map<String, Object> written = SpecWriter.task(server);

        assertThat(written).extractingByKey("resources").asString().contains("group=true");
        String json = new ObjectMapper()
                .writeValueAsString(Map.of(
                        "job",
                        Map.of("name", "pair", "groups", List.of(Map.of("name", "g", "tasks", List.of(written))))));
        TaskSpec read = new SpecParser().parse(json).groups().get(0).tasks().get(0);
        assertThat(read.ports()).containsExactly(PortSpec.dynamic("http").inGroupNetwork());
    }
}
