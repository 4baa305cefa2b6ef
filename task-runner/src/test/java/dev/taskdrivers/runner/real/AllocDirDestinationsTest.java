package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.artifacts.ArtifactServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates and artifacts written into the allocation's shared directory, as Nomad allows: a sibling raw_exec task
 * reads them there; a destination that leaves the allocation once expanded fails the fetch naming the artifact.
 */
@Tag("real")
class AllocDirDestinationsTest {
    @TempDir
    Path root;

    ArtifactServer server;
    TaskRunner runner;
    final Set<String> allocs = new HashSet<>();

    @BeforeEach
    void setUp() throws Exception {
        RawExec.require(root.resolve("probe"));
        server = new ArtifactServer();
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(WAIT);
        runner.close();
        server.close();
        assertThat(RawExec.killAll(allocs)).as("processes left").isEmpty();
    }

    @Test
    void aSiblingTaskReadsTheTemplateAndTheArtifactWrittenIntoTheAllocDirectory() throws Exception {
        server.serve("/motd.txt", "fetched once\n".getBytes(StandardCharsets.UTF_8));
        String job = """
                job "share" {
                  type = "batch"
                  group "g" {
                    task "writer" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      template {
                        data        = "{\\"group\\": \\"{{ env \\"NOMAD_GROUP_NAME\\" }}\\"}"
                        destination = "../alloc/config.json"
                      }
                      artifact {
                        source      = "URL"
                        destination = "${NOMAD_ALLOC_DIR}/shared"
                      }
                    }
                    task "reader" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        # waits for the writer's files (bounded), then copies what it sees into its own directory
                        args = ["-c", "for i in $(seq 1 300); do [ -f \\"$NOMAD_ALLOC_DIR/config.json\\" ] && [ -f \\"$NOMAD_ALLOC_DIR/shared/motd.txt\\" ] && break; sleep 0.1; done; cat \\"$NOMAD_ALLOC_DIR/config.json\\" \\"$NOMAD_ALLOC_DIR/shared/motd.txt\\" > \\"$NOMAD_TASK_DIR/seen\\""]
                      }
                    }
                  }
                }
                """.replace("URL", server.url("/motd.txt"));

        AllocationHandle alloc = runner.submit(runner.parse(job)).get(0);
        allocs.add(alloc.id());
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("writer").lastExit().orElseThrow().exitCode())
                .isZero();
        assertThat(status.tasks().get("reader").lastExit().orElseThrow().exitCode())
                .isZero();
        Path reader = status.tasks().get("reader").taskDir();
        assertThat(Files.readString(reader.resolve("local/seen"))).isEqualTo("{\"group\": \"g\"}fetched once\n");
        Path shared = reader.resolveSibling("alloc");
        assertThat(shared.resolve("config.json")).exists();
        assertThat(status.tasks().get("writer").taskDir().resolve("local/shared"))
                .as("the artifact went to the alloc directory, not the task's")
                .doesNotExist();
    }

    @Test
    void anArtifactWhoseExpandedDestinationLeavesTheAllocationFailsNamingIt() throws Exception {
        server.serve("/motd.txt", "x\n".getBytes(StandardCharsets.UTF_8));
        String job = """
                job "escape" {
                  type = "batch"
                  group "g" {
                    task "web" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                      artifact {
                        source      = "URL"
                        destination = "${NOMAD_ALLOC_DIR}/../db"
                      }
                    }
                  }
                }
                """.replace("URL", server.url("/motd.txt"));

        AllocationHandle alloc = runner.submit(runner.parse(job)).get(0);
        allocs.add(alloc.id());
        alloc.await(WAIT);

        assertThat(alloc.events("web"))
                .filteredOn(e -> e.type() == TaskEventType.FAILED_ARTIFACT_DOWNLOAD)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.details()).containsEntry("artifact", "artifacts[0]");
                    assertThat(e.message())
                            .contains("destination: must stay inside the task directory or the"
                                    + " allocation's alloc directory");
                });
        assertThat(alloc.events("web")).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
        assertThat(server.hits("/motd.txt")).isZero();
    }
}
