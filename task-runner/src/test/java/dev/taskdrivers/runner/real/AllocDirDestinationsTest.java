package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.artifacts.ArtifactServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Templates and artifacts written into the allocation's shared directory, as Nomad allows ({@code ../alloc/x},
 * {@code ${NOMAD_ALLOC_DIR}/x}): they land in the host's allocation directory, where a sibling raw_exec task reads
 * them; a restart or a recovered runner does not fetch them again; a link in the shared directory that leads out of
 * the allocation is refused when the fetch or the render meets it, and nothing is written through it.
 */
@Tag("real")
class AllocDirDestinationsTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    ArtifactServer server;

    @BeforeEach
    void setUp() throws Exception {
        server = new ArtifactServer();
        server.serve("/motd.txt", "fetched once\n".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private AllocationHandle submit(String job) {
        TaskRunner runner = real.runner();
        return runner.submit(runner.parse(job.replace("URL", server.url("/motd.txt"))))
                .get(0);
    }

    private static long count(List<TaskEvent> events, TaskEventType type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aSiblingReadsWhatAPrestartTaskPutInTheAllocDirectoryFetchedOnceThoughItRestarted() throws Exception {
        AllocationHandle alloc = submit("""
                job "share" {
                  type = "batch"
                  group "g" {
                    task "writer" {
                      driver = "raw_exec"
                      lifecycle {
                        hook = "prestart"
                      }
                      restart {
                        attempts = 1
                        interval = "1m"
                        delay    = "0s"
                        mode     = "fail"
                      }
                      artifact {
                        source      = "URL"
                        destination = "../alloc/motd.txt"
                        mode        = "file"
                      }
                      template {
                        data        = "{\\"group\\": \\"{{ env \\"NOMAD_GROUP_NAME\\" }}\\"}"
                        destination = "${NOMAD_ALLOC_DIR}/config.json"
                      }
                      config {
                        command = "/bin/sh"
                        # fails its first start: the second must find its artifact without fetching it again
                        args = ["-c", "echo start >> \\"$NOMAD_TASK_DIR/starts\\"; [ $(wc -l < \\"$NOMAD_TASK_DIR/starts\\") -ge 2 ]"]
                      }
                    }
                    task "reader" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args = ["-c", "cat \\"$NOMAD_ALLOC_DIR/config.json\\" \\"$NOMAD_ALLOC_DIR/motd.txt\\" > \\"$NOMAD_TASK_DIR/seen\\""]
                      }
                    }
                  }
                }
                """);

        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("writer").restarts()).isEqualTo(1);
        assertThat(status.tasks().get("reader").lastExit().orElseThrow().exitCode())
                .as("reader events: %s", alloc.events("reader"))
                .isZero();
        Path reader = status.tasks().get("reader").taskDir();
        assertThat(Files.readString(reader.resolve("local/seen"))).isEqualTo("{\"group\": \"g\"}fetched once\n");
        Path shared = real.allocDir(alloc).resolve("alloc");
        assertThat(shared.resolve("motd.txt")).hasContent("fetched once");
        assertThat(shared.resolve("config.json")).hasContent("{\"group\": \"g\"}");
        Path writer = status.tasks().get("writer").taskDir();
        assertThat(lines(writer.resolve("local/starts"))).hasSize(2);
        assertThat(server.hits("/motd.txt")).isEqualTo(1);
        assertThat(count(alloc.events("writer"), TaskEventType.DOWNLOADING_ARTIFACTS))
                .isEqualTo(1);
        try (Stream<Path> files = Files.list(writer.resolve("local"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("nothing went to the writer's own directory")
                    .containsExactly("starts");
        }
    }

    @Test
    void aRecoveredRunnerRestartsTheTaskWithoutFetchingItsAllocDirectoryArtifactAgain() throws Exception {
        AllocationHandle first = submit("""
                job "kept" {
                  group "g" {
                    task "web" {
                      driver = "raw_exec"
                      restart {
                        attempts = 1
                        interval = "1m"
                        delay    = "0s"
                        mode     = "fail"
                      }
                      artifact {
                        source      = "URL"
                        destination = "${NOMAD_ALLOC_DIR}/shared"
                      }
                      template {
                        data        = "rendered\\n"
                        destination = "../alloc/rendered.txt"
                      }
                      config {
                        command = "/bin/sh"
                        # each start reads both files, then runs until the test drops local/go
                        args = ["-c", "cat \\"$NOMAD_ALLOC_DIR/shared/motd.txt\\" \\"$NOMAD_ALLOC_DIR/rendered.txt\\" >> \\"$NOMAD_TASK_DIR/seen\\"; echo start >> \\"$NOMAD_TASK_DIR/starts\\"; while [ ! -f \\"$NOMAD_TASK_DIR/go\\" ]; do sleep 0.1; done; rm \\"$NOMAD_TASK_DIR/go\\"; exit 1"]
                      }
                    }
                  }
                }
                """);
        Path local = real.allocDir(first).resolve("web/local");
        await().atMost(WAIT).until(() -> lines(local.resolve("starts")).size() == 1);
        real.closeRunner(); // the task keeps running

        TaskRunner runner = real.newRunner();
        assertThat(runner.recover().reattached()).isEqualTo(1);
        AllocationHandle alloc = runner.allocation(first.id()).orElseThrow();
        Files.writeString(local.resolve("go"), "");

        await().atMost(WAIT).until(() -> lines(local.resolve("starts")).size() == 2);
        assertThat(lines(local.resolve("seen")))
                .containsExactly("fetched once", "rendered", "fetched once", "rendered");
        assertThat(server.hits("/motd.txt")).isEqualTo(1);
        assertThat(count(alloc.events("web"), TaskEventType.DOWNLOADING_ARTIFACTS))
                .as("events: %s", alloc.events("web"))
                .isEqualTo(1);
        assertThat(real.allocDir(first).resolve("alloc/shared/motd.txt")).hasContent("fetched once");
    }

    /**
     * Runs a batch job of one raw_exec task holding {@code blocks} (its first artifact from the server) with a link
     * {@code alloc/out} to {@code outside} made while that fetch waits, as a task of the allocation could make it.
     */
    private AllocationHandle runWithALinkOut(Path outside, String blocks) throws Exception {
        server.hold("/motd.txt");
        AllocationHandle alloc = submit("""
                job "escape" {
                  type = "batch"
                  group "g" {
                    task "web" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/true"
                      }
                BLOCKS
                    }
                  }
                }
                """.replace("BLOCKS", blocks));
        await().atMost(WAIT).until(() -> server.hits("/motd.txt") == 1);
        Files.createSymbolicLink(real.allocDir(alloc).resolve("alloc/out"), outside);
        server.release("/motd.txt");
        alloc.await(WAIT);
        return alloc;
    }

    @Test
    void anArtifactMeetingALinkInTheAllocDirectoryThatLeadsOutIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
        Path outside = Files.createDirectories(real.root().resolve("outside"));

        AllocationHandle alloc = runWithALinkOut(outside, """
                      artifact {
                        source      = "URL"
                        destination = "../alloc/out/fetched"
                      }
                """);

        assertThat(alloc.events("web"))
                .as("events: %s", alloc.events("web"))
                .filteredOn(e -> e.type() == TaskEventType.FAILED_ARTIFACT_DOWNLOAD)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.details()).containsEntry("artifact", "artifacts[0]");
                    assertThat(e.message())
                            .contains("leads outside the task directory and the allocation's alloc"
                                    + " directory through a link");
                });
        assertThat(alloc.events("web")).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).as("written through the link").isEmpty();
        }
    }

    @Test
    void aTemplateMeetingALinkInTheAllocDirectoryThatLeadsOutIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
        Path outside = Files.createDirectories(real.root().resolve("outside"));

        AllocationHandle alloc = runWithALinkOut(outside, """
                      artifact {
                        source = "URL"
                      }
                      template {
                        data        = "x"
                        destination = "${NOMAD_ALLOC_DIR}/out/rendered/t.conf"
                      }
                """);

        assertThat(alloc.events("web"))
                .extracting(TaskEvent::message)
                .anySatisfy(m -> assertThat(m)
                        .contains("leads out of the task directory and the allocation's alloc"
                                + " directory through a symbolic link"));
        assertThat(alloc.events("web")).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).as("written through the link").isEmpty();
        }
    }
}
