package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line through its picocli entry point, running real raw_exec tasks. */
@Tag("real")
class CommandLineTest {
    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void requireRawExec() {
        RawExec.require(root.resolve("probe"));
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A state directory under the test's own, so no run leaves a temporary one behind. */
    private String state() {
        return root.resolve("state-" + System.nanoTime()).toString();
    }

    private Path spec(String json) throws Exception {
        Path file = root.resolve("spec-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file;
    }

    private static final String GOOD = """
            {"job": {"name": "hello", "type": "batch", "groups": [{"name": "web", "tasks": [{
              "name": "server", "driver": "raw_exec",
              "config": {"command": "/bin/sh", "args": ["-c", "echo port $NOMAD_PORT_http"]},
              "resources": {"ports": {"http": {}}},
              "services": [{"name": "hello-web", "port": "http", "tags": ["demo"]}]}]}]}}
            """;

    @Test
    void runPrintsEventsAndServicesAsTheyHappenAndExitsZeroWhenEveryTaskSucceeded() throws Exception {
        int code = run("run", spec(GOOD).toString(), "--state-dir", root.resolve("s").toString());

        String output = out.toString();
        assertThat(code).as(output + err).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("hello.web[0] server").contains("Received"));
        assertThat(indexOf(lines, "Received")).isLessThan(indexOf(lines, "Started"));
        assertThat(indexOf(lines, "Started")).isLessThan(indexOf(lines, "Terminated"));
        assertThat(output).contains("registered hello-web at 127.0.0.1:").contains("tags [demo]")
                .contains("hello.web[0] server: succeeded (exit code 0)").contains("exit code 0");
    }

    @Test
    void runPrintsTheChangesOfTheServicesChecks() throws Exception {
        // the task ends once the check ran twice: its first result was reported before the second run began
        Path checked = spec("""
                {"job": {"name": "checked", "type": "batch", "groups": [{"name": "g", "tasks": [{
                  "name": "app", "driver": "raw_exec",
                  "config": {"command": "/bin/sh", "args": ["-c",
                    "cd \\"$NOMAD_TASK_DIR\\"; while [ ! -f second ]; do sleep 0.1; done"]},
                  "services": [{"name": "app", "checks": [{"name": "ready", "type": "script", "command": "/bin/sh",
                    "args": ["-c",
                      "cd \\"$NOMAD_TASK_DIR\\"; if [ -f first ]; then touch second; else touch first; fi; echo fine"],
                    "interval": "100ms", "timeout": "2s"}]}]}]}]}}
                """);

        assertThat(run("run", checked.toString(), "--state-dir", state())).as(out.toString() + err).isZero();
        assertThat(out.toString().lines()).anySatisfy(l -> assertThat(l).contains("checked.g[0] app").contains("Check")
                .contains("\"ready\" of app: critical -> passing (exit code 0: fine)"));
    }

    @Test
    void runExitsOneWhenATaskFailed() throws Exception {
        Path failing = spec(GOOD.replace("echo port $NOMAD_PORT_http", "exit 5")
                .replace("\"driver\": \"raw_exec\",", "\"driver\": \"raw_exec\", \"restart\": {\"attempts\": 0},"));

        assertThat(run("run", failing.toString(), "--state-dir", state())).isEqualTo(1);
        assertThat(out.toString()).contains("Not Restarting").contains("failed (exit code 5)");
    }

    @Test
    void runAndValidateExitTwoWithEveryProblemAndItsPathForABadSpec() throws Exception {
        Path bad = spec("""
                {"job": {"name": "bad", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "raw_exec", "config": {"args": ["x"]}, "resources": {"memory_mb": "x"}},
                  {"name": "b", "driver": "nope"}]}]}}
                """);

        assertThat(run("validate", bad.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("job.groups[0].tasks[0].resources.memory_mb: must be a whole number, got \"x\"");
        assertThat(run("run", bad.toString(), "--state-dir", state())).isEqualTo(2);
        // without a structural problem the drivers' own problems appear too
        Path driverProblems = spec(GOOD.replace("\"command\": \"/bin/sh\", ", "")
                .replace("\"driver\": \"raw_exec\"", "\"driver\": \"raw_exec\"}, {\"name\": \"b\", \"driver\": \"nope\""));
        assertThat(run("validate", driverProblems.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("job.groups[0].tasks[0].config.command: is required")
                .contains("job.groups[0].tasks[1].driver: unknown driver \"nope\"");
    }

    @Test
    void validateAcceptsAGoodSpec() throws Exception {
        assertThat(run("validate", spec(GOOD).toString())).isZero();
        assertThat(out.toString()).contains("is valid: job hello, 1 group(s), 1 task(s)");
    }

    @Test
    void driversListsRawExecWithItsHealthAndAttributes() {
        assertThat(run("drivers")).isZero();
        assertThat(out.toString()).containsPattern("raw_exec\\s+healthy");
    }

    @Test
    void anUnknownRegistryNamesTheArtifactToAdd() throws Exception {
        assertThat(run("run", spec(GOOD).toString(), "--registry", "consul", "--state-dir", state())).isEqualTo(2);
        assertThat(err.toString()).contains("dev.taskdrivers:consul-service");
    }

    @Test
    void sigtermStopsTheTasksGracefully() throws Exception {
        Path spec = spec("""
                {"job": {"name": "long", "groups": [{"name": "g", "tasks": [{"name": "sleeper", "driver": "raw_exec",
                  "kill_timeout": "3s", "config": {"command": "/bin/sh", "args": ["-c", "sleep 300 & wait"]}}]}]}}
                """);
        Path state = root.resolve("state");
        Set<String> allocIds;
        try (ChildRunner child = ChildRunner.start(root.resolve("child.log"), "run", spec.toString(),
                "--state-dir", state.toString())) {
            await().atMost(RawExec.WAIT).until(() -> child.count(" Started ") == 1 || !child.process.isAlive());
            try (Stream<Path> dirs = Files.list(state)) {
                allocIds = dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            }
            assertThat(RawExec.processesOf(allocIds)).isNotEmpty();

            child.process.destroy(); // SIGTERM
            assertThat(child.process.waitFor()).isNotZero();
            assertThat(child.lines()).as("child output").anySatisfy(l -> assertThat(l).contains("Killing"))
                    .anySatisfy(l -> assertThat(l).contains("Killed"));
        }
        assertThat(RawExec.processesOf(allocIds)).isEmpty();
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
