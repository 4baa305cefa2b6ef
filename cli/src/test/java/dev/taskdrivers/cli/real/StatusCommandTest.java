package dev.taskdrivers.cli.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.real.ChildRunner;
import dev.taskdrivers.runner.real.RawExec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code status} reads the state directory of a job that another process runs. */
@Tag("real")
class StatusCommandTest {
    @TempDir
    Path root;

    private static final String SERVER = """
            {"job": {"name": "shop", "groups": [{"name": "web", "tasks": [{
              "name": "server", "driver": "raw_exec",
              "config": {"command": "/bin/sh", "args": ["-c", "exec sleep 600"]},
              "resources": {"cpu": 250, "memory_mb": 40, "ports": {"http": {}}}}]}]}}
            """;

    private String status(Path state) {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int code = cl.execute("status", "--state-dir", state.toString());
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void showsTasksPortsAndUsageOfAJobRunningInAnotherProcess() throws Exception {
        RawExec.require(root.resolve("probe"));
        Path spec = root.resolve("shop.json");
        Files.writeString(spec, SERVER);
        Path state = root.resolve("state");
        Set<String> allocIds;
        try (ChildRunner child = ChildRunner.start(
                root.resolve("child.log"),
                "run",
                spec.toString(),
                "--state-dir",
                state.toString(),
                "--usage-interval",
                "1")) {
            await().atMost(WAIT).until(() -> child.count(" Details ") == 1 || !child.process.isAlive());
            Matcher port =
                    Pattern.compile("ports http=127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", child.lines()));
            assertThat(port.find()).as("the child's output: %s", child.lines()).isTrue();

            await().atMost(WAIT).until(() -> status(state).contains("usage: cpu"));
            String output = status(state);

            assertThat(output)
                    .contains("shop.web[0] ")
                    .contains(": running")
                    .contains("server (raw_exec): running, restarts 0")
                    .contains("ports http=127.0.0.1:" + port.group(1))
                    .containsPattern("usage: cpu \\d+\\.\\d% \\(\\d+ MHz of 250 MHz\\), memory rss [0-9.]+ [KM]iB,"
                            + " cache 0 B, swap 0 B of 40\\.0 MiB at ")
                    .contains("total: cpu");
            try (Stream<Path> dirs = Files.list(state)) {
                allocIds = dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            }
            child.signal("TERM");
            child.process.waitFor();
        }

        assertThat(status(state)).contains(": finished").contains("server (raw_exec): dead");
        assertThat(RawExec.processesOf(allocIds)).isEmpty();
    }

    @Test
    void aStateDirectoryThatDoesNotExistIsAnError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("status", "--state-dir", root.resolve("none").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--state-dir " + root.resolve("none") + ": no such directory");
    }
}
