package dev.taskdrivers.cli.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.LogOrigin;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.real.ChildRunner;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner in its own JVM collects a docker task's output and is killed with SIGKILL mid-stream (its log position saved
 * up to 200 ms before, the files holding more than that); a new runner takes the container over and every line of
 * both streams is in the task's files exactly once, read back through the logs API.
 */
@Tag("real")
class DockerLogsAfterSigkillTest {
    private static final String IMAGE = "taskdrivers-test/busybox:1";
    private static final int LINES = 3000;

    @TempDir
    Path root;

    @Test
    void aDockerTasksOutputIsWholeAndNotDoubledAfterItsRunnerWasKilled() throws Exception {
        requireImage();
        Path spec = Files.writeString(root.resolve("seq.hcl"), spec());
        Path state = root.resolve("state");
        Path data = root.resolve("data");

        try (ChildRunner child = ChildRunner.start(
                root.resolve("child.log"),
                "run",
                spec.toString(),
                "--state-dir",
                state.toString(),
                "--data-dir",
                data.toString())) {
            await().atMost(WAIT).until(() -> stdoutSoFar(data).contains("line 600\n") || !child.process.isAlive());
            assertThat(child.process.isAlive())
                    .as("the child runner; its output: %s", child.lines())
                    .isTrue();
            child.sigkill();
        }
        assertThat(stdoutSoFar(data)).as("the task was still writing").doesNotContain("line " + LINES + "\n");

        try (TaskRunner runner =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            RecoveryReport report = runner.recover();
            assertThat(report.reattached()).isEqualTo(1);
            AllocationHandle alloc = report.allocations().get(0);
            try {
                AllocationStatus status = alloc.await(WAIT);
                assertThat(status.failed()).as("%s", status).isFalse();

                assertThat(read(alloc, LogStream.STDOUT)).isEqualTo(numbered("line ", LINES));
                assertThat(read(alloc, LogStream.STDERR)).isEqualTo(numbered("e", LINES));
            } finally {
                assertThat(runner.stopAll(Duration.ofSeconds(60))).isTrue();
            }
        }
    }

    /** Both streams numbered, a pause every 50 lines so the task is still writing when its runner is killed. */
    private static String spec() {
        String script = "i=1; while [ $i -le " + LINES + " ]; do echo line $i; echo e$i >&2;"
                + " if [ $((i % 50)) -eq 0 ]; then sleep 0.1; fi; i=$((i+1)); done";
        return """
                job "seq" {
                  type = "batch"
                  group "g" {
                    restart {
                      attempts = 0
                    }
                    task "t" {
                      driver = "docker"
                      config {
                        image   = "%s"
                        command = "/bin/sh"
                        args    = ["-c", "%s"]
                      }
                    }
                  }
                }
                """.formatted(IMAGE, script);
    }

    private static void requireImage() throws IOException, InterruptedException {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", IMAGE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        RealEnvironment.require(
                inspect.waitFor(30, TimeUnit.SECONDS) && inspect.exitValue() == 0,
                "a Docker engine with " + IMAGE + " (run scripts/start-services.sh)");
    }

    /** What the task's first stdout file holds so far (empty before the allocation's directory exists). */
    private static String stdoutSoFar(Path data) throws IOException {
        Path allocs = data.resolve("alloc");
        if (!Files.isDirectory(allocs)) {
            return "";
        }
        try (Stream<Path> dirs = Files.list(allocs)) {
            List<Path> files = dirs.map(d -> d.resolve("alloc/logs/t.stdout.0"))
                    .filter(Files::exists)
                    .toList();
            return files.isEmpty() ? "" : Files.readString(files.get(0));
        }
    }

    private static String read(AllocationHandle alloc, LogStream stream) throws IOException {
        try (InputStream in = alloc.logs("t", stream, LogOrigin.START, 0, false)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String numbered(String prefix, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            s.append(prefix).append(i).append('\n');
        }
        return s.toString();
    }
}
