package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import org.junit.jupiter.api.Test;

/** Template and artifact destinations in the allocation's shared directory pass; the other ways out are refused. */
class AllocDirDestinationsSpecTest {
    private final SpecParser parser = new SpecParser();

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
}
