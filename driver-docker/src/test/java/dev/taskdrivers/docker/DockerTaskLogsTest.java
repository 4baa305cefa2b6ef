package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.HostConfig;
import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's stdout and stderr collected into the task's rotated log files, across a runner restart. */
@Tag("real")
class DockerTaskLogsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private static TaskConfig smallLogs(TaskConfig task) {
        return task.withLogs(
                LogConfig.builder().maxFiles(1000).maxFileSizeBytes(4096).build());
    }

    private static Map<String, Object> shell(String script) {
        return Map.of("image", LOCAL_IMAGE, "command", "/bin/sh", "args", List.of("-c", script));
    }

    /** Every file of a stream, oldest first, as one text. */
    private static String readAll(TaskConfig task, LogStream stream) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0;
                Files.exists(stream.file(task.dirs().logsDir(), task.id().taskName(), i));
                i++) {
            files.add(stream.file(task.dirs().logsDir(), task.id().taskName(), i));
        }
        StringBuilder all = new StringBuilder();
        for (Path f : files) {
            all.append(Files.readString(f, StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    private static String numbered(String prefix, int from, int to) {
        StringBuilder b = new StringBuilder();
        IntStream.rangeClosed(from, to)
                .forEach(i -> b.append(prefix).append(' ').append(i).append('\n'));
        return b.toString();
    }

    @Test
    void bothStreamsLandInRotatedFilesWholeAndInOrder() throws Exception {
        DockerTestEnv.requireEngine();
        try (DockerDriver driver = DockerTestEnv.driver(Map.of())) {
            TaskConfig task = smallLogs(DockerTestEnv.task(
                    root,
                    "chatty",
                    shell("i=1; while [ $i -le 2000 ]; do echo out $i; echo err $i >&2; i=$((i+1)); done")));
            var started = DockerTestEnv.run(driver, task);
            try {
                assertThat(started.handle()
                                .exitFuture()
                                .get(60, TimeUnit.SECONDS)
                                .exitCode())
                        .isZero();

                assertThat(readAll(task, LogStream.STDOUT)).isEqualTo(numbered("out", 1, 2000));
                assertThat(readAll(task, LogStream.STDERR)).isEqualTo(numbered("err", 1, 2000));
                Path logs = task.dirs().logsDir();
                assertThat(Files.size(logs.resolve("chatty.stdout.0"))).isEqualTo(4096);
                assertThat(logs.resolve("chatty.stdout.4")).exists();
            } finally {
                started.stopAndCleanup(driver);
            }
        }
    }

    @Test
    void theEnginesOwnLogIsCappedUnlessTheTaskSetsItsLogging() throws Exception {
        DockerTestEnv.requireEngine();
        try (DockerDriver driver = DockerTestEnv.driver(Map.of())) {
            TaskConfig task =
                    DockerTestEnv.task(root, "capped", shell("sleep 600")).withLogs(LogConfig.of(3, 7));
            var started = DockerTestEnv.run(driver, task);
            Map<String, Object> own = new java.util.HashMap<>(shell("sleep 600"));
            own.put("logging", Map.of("type", "json-file", "config", Map.of("max-size", "1m")));
            var ownLogging = DockerTestEnv.run(driver, DockerTestEnv.task(root, "own", own));
            try {
                HostConfig capped = driver.client()
                        .inspectContainerCmd(started.handle().containerId())
                        .exec()
                        .getHostConfig();
                assertThat(capped.getLogConfig().getConfig())
                        .containsEntry("max-size", "7m")
                        .containsEntry("max-file", "2");
                HostConfig chosen = driver.client()
                        .inspectContainerCmd(ownLogging.handle().containerId())
                        .exec()
                        .getHostConfig();
                assertThat(chosen.getLogConfig().getConfig()).isEqualTo(Map.of("max-size", "1m"));
            } finally {
                started.stopAndCleanup(driver);
                ownLogging.stopAndCleanup(driver);
            }
        }
    }

    /**
     * The runner goes away without stopping the task (its driver closed mid-stream, as a killed runner leaves it)
     * and a new driver takes the container over twice, once while it runs and once after it ended: every line
     * arrives exactly once.
     */
    @Test
    void nothingIsLostOrDoubledWhenAnotherRunnerTakesTheContainerOver() throws Exception {
        DockerTestEnv.requireEngine();
        int lines = 1500;
        String script = "i=1; while [ $i -le " + lines + " ]; do echo line $i; echo e$i >&2;"
                + " if [ $((i % 50)) -eq 0 ]; then sleep 0.2; fi; i=$((i+1)); done";
        Path dataDir = Files.createDirectories(root.resolve("driver-data"));
        TaskConfig task = smallLogs(DockerTestEnv.task(root, "seq", shell(script)));
        HandleState state;
        CreatedResources created;
        DockerTestEnv.Started started;
        try (DockerDriver first = DockerTestEnv.driver(Map.of(), dataDir)) {
            started = DockerTestEnv.run(first, task);
            created = started.prestart().created().merge(started.start().created());
            state = started.handle().state();
            await().atMost(WAIT).until(() -> readAll(task, LogStream.STDOUT).contains("line 300\n"));
            started.handle().close();
        }
        TaskConfig running = started.task();
        try (DockerDriver second = DockerTestEnv.driver(Map.of(), dataDir)) {
            TaskHandle handle = second.recover(running, state, EventEmitter.NONE);
            await().atMost(WAIT).until(() -> readAll(task, LogStream.STDOUT).contains("line 700\n"));
            handle.close();
        }
        try (DockerDriver third = DockerTestEnv.driver(Map.of(), dataDir)) {
            await().atMost(WAIT)
                    .until(() -> !third.client()
                            .inspectContainerCmd(started.handle().containerId())
                            .exec()
                            .getState()
                            .getRunning());
            TaskHandle handle = third.recover(running, state, EventEmitter.NONE);
            try {
                assertThat(handle.exitFuture().get(60, TimeUnit.SECONDS).exitCode())
                        .isZero();
                assertThat(readAll(task, LogStream.STDOUT)).isEqualTo(numbered("line", 1, lines));
                assertThat(readAll(task, LogStream.STDERR))
                        .isEqualTo(numbered("e", 1, lines).replace("e ", "e"));
            } finally {
                third.cleanup(running, created);
                handle.close();
            }
        }
    }
}
