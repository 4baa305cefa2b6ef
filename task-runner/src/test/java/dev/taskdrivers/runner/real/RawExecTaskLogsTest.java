package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.LogOrigin;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real raw_exec task's stdout and stderr, rotated small, read back whole and followed through the logs API. */
@Tag("real")
class RawExecTaskLogsTest {
    private static final int LINES = 3000;
    /** 100 lines of about 9 bytes every 200 ms: files of 4 KiB rotated once a second while written. */
    private static final String NUMBERED = "i=1; while [ $i -le " + LINES + " ]; do"
            + " echo \"out $i\"; echo \"err $i\" >&2;"
            + " if [ $((i % 100)) -eq 0 ]; then sleep 0.2; fi; i=$((i+1)); done";

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    private static TaskSpec smallLogs(TaskSpec task) {
        return task.toBuilder()
                .logs(LogConfig.builder().maxFiles(1000).maxFileSizeBytes(4096).build())
                .build();
    }

    private static List<String> lines(InputStream in) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static List<String> numbered(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + " " + i).toList();
    }

    @Test
    void bothStreamsAreReadBackWholeAndInOrderAcrossRotations() throws Exception {
        AllocationHandle alloc = real.runner()
                .submit(JobSpec.batch("logs", List.of(GroupSpec.of("g", List.of(smallLogs(shell("t", NUMBERED)))))))
                .get(0);
        AllocationStatus status = alloc.await(WAIT);
        assertThat(status.failed()).isFalse();

        Path logs = status.tasks().get("t").allocDir().resolve("logs");
        try (var files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("t.stdout.")))
                    .as("rotated files")
                    .hasSizeGreaterThan(3);
        }
        assertThat(lines(alloc.logs("t", LogStream.STDOUT, LogOrigin.START, 0, false)))
                .isEqualTo(numbered("out", 1, LINES));
        assertThat(lines(alloc.logs("t", LogStream.STDERR, LogOrigin.START, 0, false)))
                .isEqualTo(numbered("err", 1, LINES));
        assertThat(lines(alloc.lastLines("t", LogStream.STDOUT, 3, false)))
                .isEqualTo(numbered("out", LINES - 2, LINES));
        assertThat(lines(alloc.logs("t", LogStream.STDERR, LogOrigin.END, "err 3000\n".length(), false)))
                .containsExactly("err 3000");
    }

    @Test
    void aFollowerSeesEveryLineAsItIsWrittenAcrossRotations() throws Exception {
        Path go = real.root().resolve("go");
        TaskSpec task =
                smallLogs(shell("t", "while [ ! -e " + go + " ]; do sleep 0.02; done; " + NUMBERED + "; sleep 600"));
        AllocationHandle alloc = real.runner()
                .submit(JobSpec.service("follow", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        await().atMost(WAIT)
                .until(() -> alloc.status().tasks().get("t").state() == dev.taskdrivers.runner.TaskState.RUNNING);

        try (InputStream followed = alloc.logs("t", LogStream.STDOUT, LogOrigin.START, 0, true)) {
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
                List<String> seen = new ArrayList<>();
                BufferedReader r = new BufferedReader(new InputStreamReader(followed, StandardCharsets.UTF_8));
                try {
                    for (String line; seen.size() < LINES && (line = r.readLine()) != null; ) {
                        seen.add(line);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return seen;
            });
            Files.writeString(go, "go");

            assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(numbered("out", 1, LINES));
        }
    }
}
