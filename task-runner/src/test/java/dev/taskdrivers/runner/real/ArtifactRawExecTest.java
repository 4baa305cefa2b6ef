package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.artifacts.ArtifactServer;
import dev.taskdrivers.runner.artifacts.TestArchives;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A raw_exec task that runs what its artifact brought, fetched from a local HTTP server. */
@Tag("real")
class ArtifactRawExecTest {
    @TempDir
    Path root;

    ArtifactServer server;
    TaskRunner runner;
    String allocId;

    @BeforeEach
    void setUp() throws Exception {
        RawExec.require(root.resolve("probe"));
        server = new ArtifactServer();
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .serviceRegistry(new InProcessServiceRegistry())
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(WAIT);
        runner.close();
        server.close();
        if (allocId != null) {
            assertThat(RawExec.killAll(Set.of(allocId))).as("processes left").isEmpty();
        }
    }

    @Test
    void theTaskRunsTheScriptItsArchiveBrought() throws Exception {
        byte[] archive = TestArchives.tar("gz")
                .file("bin/hello.sh", "#!/bin/sh\necho \"hello from $1\" > \"$NOMAD_TASK_DIR/out.txt\"\nexit 7\n", 0755)
                .bytes();
        server.serve("/hello.tar.gz", archive);
        var task = RawExec.shell("hello", "exec \"$NOMAD_TASK_DIR/app/bin/hello.sh\" artifact").toBuilder()
                .artifact(ArtifactSpec.builder(server.url("/hello.tar.gz"))
                        .destination("local/app")
                        .checksum(TestArchives.checksum("sha256", archive)))
                .build();

        AllocationHandle alloc = runner.submit(JobSpec.batch(
                        "art",
                        java.util.List.of(dev.taskdrivers.runner.spec.GroupSpec.of("g", java.util.List.of(task)))))
                .get(0);
        allocId = alloc.id();
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("hello").lastExit().orElseThrow().exitCode())
                .isEqualTo(7);
        assertThat(alloc.events("hello"))
                .extracting(e -> e.type())
                .containsSubsequence(
                        TaskEventType.DOWNLOADING_ARTIFACTS, TaskEventType.STARTED, TaskEventType.TERMINATED);
        Path local = status.tasks().get("hello").taskDir().resolve("local");
        assertThat(local.resolve("out.txt")).hasContent("hello from artifact");
        assertThat(Files.isExecutable(local.resolve("app/bin/hello.sh"))).isTrue();
    }
}
