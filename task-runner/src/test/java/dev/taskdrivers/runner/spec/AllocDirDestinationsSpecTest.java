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

/** Template and artifact destinations in the allocation's shared directory pass; the other ways out are refused. */
class AllocDirDestinationsSpecTest {
    private final SpecParser parser = new SpecParser();

    @TempDir
    static Path scratch;

    /** raw_exec's tasks see the host's paths; docker's see /alloc, /local and /secrets. */
    static DriverRegistry drivers;

    @BeforeAll
    static void drivers() {
        drivers = DriverRegistry.load(AllocDirDestinationsSpecTest.class.getClassLoader(), scratch, Map.of());
    }

    @AfterAll
    static void closeDrivers() {
        drivers.close();
    }

    private static String job(String templates, String artifacts) {
        return """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [{"name": "web", "driver": "raw_exec",
                  "config": {"command": "/bin/true"}, "templates": %s, "artifacts": %s}]}]}}
                """.formatted(templates, artifacts);
    }

    @Test
    void destinationsInTheAllocDirectoryAreAccepted() {
        TaskSpec task = parser.parse(job("""
                        [{"data": "a", "destination": "../alloc/config.json"},
                         {"data": "b", "destination": "${NOMAD_ALLOC_DIR}/b.txt"}]""", """
                        [{"source": "https://example.com/a.txt", "destination": "../alloc/shared"},
                         {"source": "https://example.com/b.txt", "destination": "${NOMAD_ALLOC_DIR}/b"}]""")).groups().get(0).tasks().get(0);

        assertThat(task.templates())
                .extracting(TemplateSpec::destination)
                .containsExactly("../alloc/config.json", "${NOMAD_ALLOC_DIR}/b.txt");
        assertThat(task.artifacts())
                .extracting(ArtifactSpec::destination)
                .containsExactly("../alloc/shared", "${NOMAD_ALLOC_DIR}/b");
    }

    @Test
    void anotherTasksDirectoryAndAnythingOutsideTheAllocationAreRefusedNamingTheField() {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(job("""
                        [{"data": "a", "destination": "../db/local/a"},
                         {"data": "b", "destination": "../alloc/../../b"},
                         {"data": "c", "destination": "../alloc/config.json"},
                         {"data": "d", "destination": "${NOMAD_ALLOC_DIR}/config.json"}]""", """
                        [{"source": "https://example.com/a.txt", "destination": "../db"},
                         {"source": "https://example.com/b.txt", "destination": "../../outside"}]""")));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].templates[0].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/), relative to the task directory"
                                + " (${NOMAD_TASK_DIR}, ${NOMAD_SECRETS_DIR} and ${NOMAD_ALLOC_DIR} may start it),"
                                + " got \"../db/local/a\"",
                        "job.groups[0].tasks[0].templates[1].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/), relative to the task directory"
                                + " (${NOMAD_TASK_DIR}, ${NOMAD_SECRETS_DIR} and ${NOMAD_ALLOC_DIR} may start it),"
                                + " got \"../alloc/../../b\"",
                        "job.groups[0].tasks[0].templates[3].destination: is also the destination of templates[2]",
                        "job.groups[0].tasks[0].artifacts[0].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"../db\"",
                        "job.groups[0].tasks[0].artifacts[1].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"../../outside\"");
    }

    @Test
    void theDirectoryVariablesStandForTheTasksDirectoriesWhateverPathsTheDriverShowsTheTask() {
        assertThat(drivers.dirsInsideTask("docker")).containsEntry("NOMAD_ALLOC_DIR", "/alloc");
        assertThat(drivers.dirsInsideTask("raw_exec")).isEmpty();
        String job = """
                job "j" {
                  group "g" {
                    task "host" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      artifact {
                        source      = "https://example.com/a.txt"
                        destination = "${NOMAD_ALLOC_DIR}/a.txt"
                        mode        = "file"
                      }
                      template {
                        data        = "x"
                        destination = "${NOMAD_ALLOC_DIR}/x.conf"
                      }
                    }
                    task "container" {
                      driver = "docker"
                      config {
                        image = "busybox:1"
                      }
                      artifact {
                        source      = "https://example.com/a.txt"
                        destination = "${NOMAD_ALLOC_DIR}/a.txt"
                        mode        = "file"
                      }
                      template {
                        data        = "y"
                        destination = "${NOMAD_ALLOC_DIR}/y.conf"
                      }
                    }
                  }
                }
                """;

        JobSpec spec = new JobValidator(drivers).parseAndValidate(parser, job, w -> {});

        assertThat(spec.groups().get(0).tasks())
                .allSatisfy(t -> assertThat(t.artifacts().get(0).destination()).isEqualTo("${NOMAD_ALLOC_DIR}/a.txt"));
    }

    @Test
    void aDestinationThatLeavesOnceInterpolatedIsRefusedByValidationWithTheOtherProblems() {
        String job = """
                job "j" {
                  meta {
                    OUT    = "../../outside"
                    SHARED = "../alloc/shared"
                  }
                  group "g" {
                    task "host" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      env {
                        DEST = "../db"
                      }
                      artifact {
                        source      = "https://example.com/a.txt"
                        destination = "${NOMAD_META_SHARED}"
                      }
                      artifact {
                        source      = "https://example.com/b.txt"
                        destination = "${NOMAD_META_OUT}"
                      }
                      artifact {
                        source      = "https://example.com/c.txt"
                        destination = "${env["DEST"]}/c"
                      }
                      artifact {
                        source      = "https://example.com/d.txt"
                        destination = "${NOMAD_ALLOC_DIR}/../db"
                      }
                      artifact {
                        source      = "https://example.com/e.txt"
                        destination = "local/${NOMAD_META_NOT_SET}"
                      }
                    }
                    task "container" {
                      driver = "docker"
                      config {
                        image = "busybox:1"
                      }
                      artifact {
                        source      = "https://example.com/a.txt"
                        destination = "${NOMAD_META_OUT}/x"
                      }
                      template {
                        data        = "y"
                        destination = "${NOMAD_SECRETS_DIR}/../../y.conf"
                      }
                    }
                  }
                }
                """;

        ValidationException e = catchThrowableOfType(
                ValidationException.class, () -> new JobValidator(drivers).parseAndValidate(parser, job, w -> {}));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].artifacts[1].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"../../outside\" once interpolated from"
                                + " \"${NOMAD_META_OUT}\"",
                        "job.groups[0].tasks[0].artifacts[2].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"../db/c\" once interpolated from"
                                + " \"${env[\"DEST\"]}/c\"",
                        "job.groups[0].tasks[0].artifacts[3].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"${NOMAD_ALLOC_DIR}/../db\"",
                        "job.groups[0].tasks[1].artifacts[0].destination: must stay inside the task directory or the"
                                + " allocation's alloc directory (../alloc/), got \"../../outside/x\" once interpolated from"
                                + " \"${NOMAD_META_OUT}/x\"",
                        "job.groups[0].tasks[1].templates[0].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/), relative to the task directory"
                                + " (${NOMAD_TASK_DIR}, ${NOMAD_SECRETS_DIR} and ${NOMAD_ALLOC_DIR} may start it),"
                                + " got \"${NOMAD_SECRETS_DIR}/../../y.conf\"");
    }

    @Test
    void aTemplateDestinationWithVariablesIsExpandedWithTheTasksEnvironmentAndRefusedWhereItLeads() {
        String job = """
                job "j" {
                  meta {
                    CONF = "local/conf"
                    OUT  = "../../outside"
                  }
                  group "g" {
                    task "web" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      env {
                        OTHER = "../db"
                      }
                      template {
                        data        = "a"
                        destination = "${NOMAD_META_CONF}/app.conf"
                      }
                      template {
                        data        = "b"
                        destination = "local/${NOMAD_TASK_NAME}.conf"
                      }
                      template {
                        data        = "c"
                        destination = "${NOMAD_ALLOC_DIR}/${NOMAD_TASK_NAME}.conf"
                      }
                      template {
                        data        = "d"
                        destination = "${NOMAD_META_OUT}/d.conf"
                      }
                      template {
                        data        = "e"
                        destination = "${env["OTHER"]}/local/e.conf"
                      }
                      template {
                        data        = "f"
                        destination = "../db/f.conf"
                      }
                    }
                  }
                }
                """;

        ValidationException e = catchThrowableOfType(
                ValidationException.class, () -> new JobValidator(drivers).parseAndValidate(parser, job, w -> {}));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ValidationProblem::toString)
                .containsExactlyInAnyOrder(
                        "job.groups[0].tasks[0].templates[3].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/) once interpolated from"
                                + " \"${NOMAD_META_OUT}/d.conf\", got \"../../outside/d.conf\"",
                        "job.groups[0].tasks[0].templates[4].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/) once interpolated from"
                                + " \"${env[\"OTHER\"]}/local/e.conf\", got \"../db/local/e.conf\"",
                        "job.groups[0].tasks[0].templates[5].destination: must be a file inside the task directory or"
                                + " the allocation's alloc directory (../alloc/), relative to the task directory"
                                + " (${NOMAD_TASK_DIR}, ${NOMAD_SECRETS_DIR} and ${NOMAD_ALLOC_DIR} may start it),"
                                + " got \"../db/f.conf\"");
    }
}
