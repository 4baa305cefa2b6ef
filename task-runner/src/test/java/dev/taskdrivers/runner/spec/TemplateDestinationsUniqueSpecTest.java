package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two templates of a task may not write one file, also when a destination holds variables: validation compares the
 * destinations as they will be once interpolated, names the second one's field and the first, all at once.
 */
class TemplateDestinationsUniqueSpecTest {
    private final SpecParser parser = new SpecParser();

    @TempDir
    static Path scratch;

    static DriverRegistry drivers;

    @BeforeAll
    static void drivers() {
        drivers = DriverRegistry.load(TemplateDestinationsUniqueSpecTest.class.getClassLoader(), scratch, Map.of());
    }

    @AfterAll
    static void closeDrivers() {
        drivers.close();
    }

    private static String template(String destination) {
        return """
                      template {
                        data        = "x"
                        destination = "%s"
                      }
                """.formatted(destination);
    }

    private static String task(String name, String... destinations) {
        StringBuilder templates = new StringBuilder();
        for (String d : destinations) {
            templates.append(template(d));
        }
        return """
                    task "%s" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                %s    }
                """.formatted(name, templates);
    }

    private static String job(String... tasks) {
        return """
                job "j" {
                  meta {
                    OTHER = "other"
                  }
                  group "g" {
                %s  }
                }
                """.formatted(String.join("", tasks));
    }

    @Test
    void destinationsThatWriteOneFileOnceInterpolatedAreRefusedNamingTheFirst() {
        String job = job(
                task(
                        "web",
                        "local/web.conf",
                        "local/${NOMAD_TASK_NAME}.conf",
                        "${NOMAD_ALLOC_DIR}/${NOMAD_TASK_NAME}.conf",
                        "../alloc/web.conf",
                        "local/${NOMAD_TASK_NAME}.conf",
                        "local/${NOMAD_META_OTHER}.conf",
                        "local/a",
                        "local/a"),
                task("db", "local/${NOMAD_TASK_NAME}.conf", "local/web.conf"));

        ValidationException e = catchThrowableOfType(
                ValidationException.class, () -> new JobValidator(drivers).parseAndValidate(parser, job, w -> {}));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].templates[1].destination: is also the destination of templates[0]"
                                + " once interpolated (\"local/web.conf\")",
                        "job.groups[0].tasks[0].templates[3].destination: is also the destination of templates[2]"
                                + " once interpolated (\"../alloc/web.conf\")",
                        "job.groups[0].tasks[0].templates[4].destination: is also the destination of templates[0]"
                                + " once interpolated (\"local/web.conf\")",
                        "job.groups[0].tasks[0].templates[7].destination: is also the destination of templates[6]");
    }

    @Test
    void destinationsThatDifferOnceInterpolatedPass() {
        String job = job(
                task("web", "local/${NOMAD_TASK_NAME}.conf", "local/${NOMAD_META_OTHER}.conf", "local/db.conf"),
                task("db", "local/${NOMAD_TASK_NAME}.conf", "local/web.conf"));

        JobSpec spec = new JobValidator(drivers).parseAndValidate(parser, job, w -> {});

        assertThat(spec.groups().get(0).tasks().get(0).templates())
                .extracting(TemplateSpec::destination)
                .containsExactly("local/${NOMAD_TASK_NAME}.conf", "local/${NOMAD_META_OTHER}.conf", "local/db.conf");
    }
}
