package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.real.RawExec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code taskdrivers logs} reading the files of a job that a runner (not the command) runs. */
@Tag("real")
class LogsCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @Test
    void printsAndFollowsATaskRunByAnotherRunner() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path state = root.resolve("state");
        Path go = root.resolve("go");
        String script = "echo first; echo oops >&2; while [ ! -e " + go + " ]; do sleep 0.02; done; echo second;"
                + " sleep 600";
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(state)
                .dataDir(root.resolve("state-data"))
                .build()) {
            AllocationHandle alloc = runner.submit(JobSpec.service(
                            "web", List.of(GroupSpec.of("g", List.of(RawExec.shell("t", script))))))
                    .get(0);
            try {
                await().atMost(WAIT).until(() -> alloc.status().tasks().get("t").state() == TaskState.RUNNING);
                await().atMost(WAIT).until(() -> {
                    out.getBuffer().setLength(0);
                    return commandLine().execute("logs", "--state-dir", state.toString(), alloc.id(), "t") == 0
                            && out.toString().equals("first\n");
                });

                assertThat(commandLine()
                                .execute("logs", "--state-dir", state.toString(), "--stderr", alloc.name(), "t"))
                        .isZero();
                assertThat(out.toString()).isEqualTo("first\noops\n");

                out.getBuffer().setLength(0);
                Thread following = new Thread(() -> commandLine()
                        .execute("logs", "--state-dir", state.toString(), "-f", "-n", "1", alloc.name(), "t"));
                following.start();
                await().atMost(WAIT).until(() -> out.toString().equals("first\n"));
                Files.writeString(go, "go");
                await().atMost(WAIT).until(() -> out.toString().equals("first\nsecond\n"));
                following.interrupt(); // as Ctrl-C ends it
                following.join(WAIT.toMillis());
                assertThat(following.isAlive()).isFalse();

                assertThat(commandLine().execute("logs", "--state-dir", state.toString(), alloc.name(), "nope"))
                        .isEqualTo(2);
                assertThat(err.toString()).contains("has no task \"nope\" (tasks: [t])");
            } finally {
                assertThat(runner.stopAll(WAIT)).isTrue();
            }
        }
    }
}
