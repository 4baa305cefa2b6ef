package dev.taskdrivers.cli.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.real.ChildRunner;
import dev.taskdrivers.runner.real.RawExec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
        int code = run(
                "run", spec(GOOD).toString(), "--state-dir", root.resolve("s").toString());

        String output = out.toString();
        assertThat(code).as(output + err).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).contains("hello.web[0] server").contains("Received"));
        assertThat(indexOf(lines, "Received")).isLessThan(indexOf(lines, "Started"));
        assertThat(indexOf(lines, "Started")).isLessThan(indexOf(lines, "Terminated"));
        assertThat(output)
                .contains("registered hello-web at 127.0.0.1:")
                .contains("tags [demo]")
                .contains("hello.web[0] server: succeeded (exit code 0)")
                .contains("exit code 0");
    }

    @Test
    void runPrintsEachTasksHostPortsAndAllocDirectoryOnceItStarted() throws Exception {
        int code = run(
                "run", spec(GOOD).toString(), "--state-dir", root.resolve("s").toString());

        String output = out.toString();
        assertThat(code).as(output + err).isZero();
        Matcher registered = Pattern.compile("registered hello-web at 127\\.0\\.0\\.1:(\\d+)")
                .matcher(output);
        assertThat(registered.find()).as(output).isTrue();
        List<String> lines = output.lines().toList();
        int details = indexOf(lines, "Details");
        assertThat(details).as(output).isGreaterThan(indexOf(lines, "Started"));
        assertThat(lines.get(details))
                .contains("hello.web[0] server")
                .contains("ports http=127.0.0.1:" + registered.group(1))
                .contains("alloc dir " + root.resolve("s-data").resolve("alloc"));
    }

    @Test
    void driversExitsOneWhenADriverGivenOptionsIsNotHealthy() {
        assertThat(run("drivers", "--driver-opt", "raw_exec.enabled=true"))
                .as(out.toString() + err)
                .isZero();

        assertThat(run("drivers", "--driver-opt", "raw_exec.enabled=false")).isEqualTo(1);
        assertThat(out.toString()).containsPattern("raw_exec\\s+unhealthy\\s+raw_exec is disabled by the operator");
        assertThat(err.toString()).contains("not healthy although given options: raw_exec");

        assertThat(run("drivers", "--driver-opt", "raw_exec.no_such_option=1")).isEqualTo(1);
        assertThat(out.toString()).contains("invalid options: raw_exec.no_such_option: unknown option");
    }

    @Test
    void dottedDriverOptionsReachTheDriverAsNestedOptions() {
        // raw_exec has no nested option: the problem shows the driver was given {"fork_server": {"enabled": true}}
        assertThat(run("drivers", "--driver-opt", "raw_exec.fork_server.enabled=true"))
                .isEqualTo(1);
        assertThat(out.toString())
                .contains("invalid options: raw_exec.fork_server: must be")
                .doesNotContain("raw_exec.fork_server.enabled: unknown option");
    }

    @Test
    void aDriverOptionForADriverThatIsNotThereIsACommandLineError() {
        assertThat(run("drivers", "--driver-opt", "nosuch.key=1")).isEqualTo(2);
        assertThat(err.toString()).contains("--driver-opt nosuch.*: unknown driver \"nosuch\"");
        assertThat(run("drivers", "--driver-opt", "raw_exec.enabled=true", "--driver-opt", "raw_exec.enabled.x=1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("raw_exec.enabled is already set to a value");
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

        assertThat(run("run", checked.toString(), "--state-dir", state()))
                .as(out.toString() + err)
                .isZero();
        assertThat(out.toString().lines())
                .anySatisfy(l -> assertThat(l)
                        .contains("checked.g[0] app")
                        .contains("Check")
                        .contains("\"ready\" of app: critical -> passing (exit code 0: fine)"));
    }

    @Test
    void runPrintsTheNomadServicesAndTheChangesOfTheirChecks() throws Exception {
        // the task ends when its http check is asked a second time: the first answer's passing was told by then
        Path checked = spec("""
                job "nomadchecked" {
                  type = "batch"
                  group "g" {
                    network {
                      port "http" {}
                    }
                    task "web" {
                      driver = "raw_exec"
                      config {
                        command = "/bin/sh"
                        args = ["-c", "cd $NOMAD_TASK_DIR; mkdir -p www/cgi-bin; printf '#!/bin/sh\\n[ -f %s/answered ] && touch %s/again\\ntouch %s/answered\\necho Content-Type: text/plain\\necho\\necho ok\\n' $NOMAD_TASK_DIR $NOMAD_TASK_DIR $NOMAD_TASK_DIR > www/cgi-bin/health; chmod +x www/cgi-bin/health; /bin/busybox httpd -f -p 127.0.0.1:$NOMAD_PORT_http -h www & pid=$!; while [ ! -f again ]; do sleep 0.1; done; kill $pid; wait"]
                      }
                      service {
                        name     = "web"
                        port     = "http"
                        provider = "nomad"
                        check {
                          name     = "alive"
                          type     = "http"
                          path     = "/cgi-bin/health"
                          interval = "200ms"
                          timeout  = "2s"
                        }
                      }
                    }
                  }
                }
                """);

        assertThat(run("run", checked.toString(), "--state-dir", state()))
                .as(out.toString() + err)
                .isZero();
        assertThat(out.toString().lines())
                .anySatisfy(
                        l -> assertThat(l).contains("nomadchecked.g[0] web").contains("registered web at 127.0.0.1:"))
                .anySatisfy(l -> assertThat(l)
                        .contains("nomadchecked.g[0] web")
                        .contains("Check")
                        .contains("\"alive\" of web: critical -> passing"));
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
                .replace(
                        "\"driver\": \"raw_exec\"",
                        "\"driver\": \"raw_exec\"}, {\"name\": \"b\", \"driver\": \"nope\""));
        assertThat(run("validate", driverProblems.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("job.groups[0].tasks[0].config.command: is required")
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
    void anUnknownRegistryListsTheRegistriesFound() throws Exception {
        assertThat(run("run", spec(GOOD).toString(), "--registry", "etcd", "--state-dir", state()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown service registry \"etcd\"").contains("[consul, inprocess]");
    }

    private static final String LONG = """
            {"job": {"name": "long", "groups": [{"name": "g", "tasks": [{"name": "sleeper", "driver": "raw_exec",
              "kill_timeout": "3s", "config": {"command": "/bin/sh", "args": ["-c", "SCRIPT"]},
              "services": [{"name": "sleeper-svc"}]}]}]}}
            """;

    /** A long-running job whose task appends "VERSION PID" to {@code marker} each time it starts. */
    private Path longJob(String version, Path marker) throws Exception {
        return spec(LONG.replace("SCRIPT", "echo " + version + " $$ >> " + marker + "; exec sleep 300"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aStopSignalStopsTheTasksGracefullyClosesTheRegistryPrintsTheSummaryAndExitsOne(String signal)
            throws Exception {
        Path state = root.resolve("state");
        Set<String> allocIds = Set.of();
        try (ChildRunner child = ChildRunner.start(
                root.resolve("child.log"),
                "run",
                longJob("v1", root.resolve("starts")).toString(),
                "--state-dir",
                state.toString())) {
            await().atMost(RawExec.WAIT)
                    .until(() -> child.count("registered sleeper-svc") == 1 || !child.process.isAlive());
            allocIds = allocationsIn(state);
            assertThat(RawExec.processesOf(allocIds)).isNotEmpty();

            child.signal(signal);

            assertThat(child.process.waitFor())
                    .as(String.join("\n", child.lines()))
                    .isEqualTo(1);
            List<String> lines = child.lines();
            assertThat(lines)
                    .anySatisfy(l -> assertThat(l).contains("Stopping").contains("SIG" + signal + " received"))
                    .anySatisfy(l -> assertThat(l).contains("Killing"))
                    .anySatisfy(l -> assertThat(l).contains("Killed"))
                    .anySatisfy(l -> assertThat(l).contains("deregistered sleeper-svc"))
                    .anySatisfy(l -> assertThat(l).contains("Stopped").contains("inprocess service registry closed"))
                    .anySatisfy(l -> assertThat(l).startsWith("long.g[0] sleeper: stopped (killed by signal"));
            assertThat(lines.get(lines.size() - 1)).isEqualTo("exit code 1");
            assertThat(indexOf(lines, "Killed")).isLessThan(indexOf(lines, "long.g[0] sleeper: stopped"));
        } finally {
            RawExec.killAll(allocIds);
        }
        assertThat(RawExec.processesOf(allocIds)).isEmpty();
    }

    @Test
    void aRerunAfterACrashTakesTheJobOverAndAChangedSpecIsRefusedUnlessReplaced() throws Exception {
        Path marker = root.resolve("starts");
        Path v1 = longJob("v1", marker);
        Path state = root.resolve("state");
        Set<String> allocIds = new HashSet<>();
        try {
            try (ChildRunner first = ChildRunner.start(
                    root.resolve("first.log"), "run", v1.toString(), "--state-dir", state.toString())) {
                // Started is printed once the task's handle is in its state file
                await().atMost(RawExec.WAIT).until(() -> first.count(" Started ") == 1 || !first.process.isAlive());
                first.sigkill(); // a crash: the task outlives the runner
            }
            allocIds.addAll(allocationsIn(state));
            long pid = Long.parseLong(lines(marker).get(0).split(" ")[1]);

            try (ChildRunner again = ChildRunner.start(
                    root.resolve("again.log"), "run", v1.toString(), "--state-dir", state.toString())) {
                await().atMost(RawExec.WAIT)
                        .until(() -> again.count("not started again") + again.count("running job") == 1
                                || !again.process.isAlive());
                assertThat(again.lines())
                        .as("rerun output")
                        .anySatisfy(l -> assertThat(l)
                                .contains(
                                        "job long is already in " + state + " with the same spec: not started again"));
                assertThat(again.lines())
                        .anySatisfy(l -> assertThat(l)
                                .contains("recovered 1 allocation(s)")
                                .contains("1 task(s) reattached"));
                assertThat(again.count(" Started ")).isZero();
                again.sigkill();
            }
            assertThat(lines(marker)).as("one start").containsExactly("v1 " + pid);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

            // a refused spec: the takeover (done while the spec is checked) is reported, the task keeps running
            Path refused = spec("{\"job\": {\"name\": \"long\", \"groups\": [{\"name\": \"g\", \"tasks\": ["
                    + "{\"name\": \"t\", \"driver\": \"raw_exec\", \"resources\": {\"memory_mb\": -1}}]}]}}");
            assertThat(run("run", refused.toString(), "--state-dir", state.toString()))
                    .as(out.toString() + err)
                    .isEqualTo(2);
            assertThat(out.toString()).contains("recovered 1 allocation(s)").contains("1 task(s) reattached");
            assertThat(err.toString()).contains("memory_mb");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);

            Path v2 = spec(LONG.replace("SCRIPT", "echo v2 $$ >> " + marker)
                    .replace("\"name\": \"long\",", "\"name\": \"long\", \"type\": \"batch\","));
            assertThat(run("run", v2.toString(), "--state-dir", state.toString()))
                    .as(out.toString())
                    .isEqualTo(2);
            assertThat(err.toString())
                    .contains("job \"long\" is already running in " + state)
                    .contains("with a different spec")
                    .contains("--replace");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

            int code = run("run", v2.toString(), "--state-dir", state.toString(), "--replace");
            allocIds.addAll(allocationsIn(state));
            assertThat(code).as(out.toString() + err).isZero();
            assertThat(out.toString()).contains("Killed").contains("long.g[0] sleeper: succeeded (exit code 0)");
            assertThat(lines(marker)).hasSize(2).startsWith("v1 " + pid);
            assertThat(lines(marker).get(1)).startsWith("v2 ");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        } finally {
            RawExec.killAll(allocIds);
        }
        assertThat(RawExec.processesOf(allocIds)).isEmpty();
    }

    @Test
    void aRerunOfAFinishedJobWithTheSameSpecReportsHowItEndedWithoutRunningItAgain() throws Exception {
        Path job = spec(GOOD);
        String state = state();
        assertThat(run("run", job.toString(), "--state-dir", state))
                .as(out.toString() + err)
                .isZero();
        out.getBuffer().setLength(0);

        assertThat(run("run", job.toString(), "--state-dir", state))
                .as(out.toString() + err)
                .isZero();
        assertThat(out.toString())
                .contains("with the same spec: not started again")
                .contains("hello.web[0] server: succeeded (exit code 0)")
                .doesNotContain(" Started ");
    }

    @Test
    void runWorksWithRelativeStateAndDataDirectories() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path job = spec("""
                {"job": {"name": "rel", "type": "batch", "groups": [{"name": "g", "tasks": [{"name": "t",
                  "driver": "raw_exec", "restart": {"attempts": 0}, "config": {"command": "/bin/sh", "args": ["-c",
                  "echo hi > \\"$NOMAD_TASK_DIR/out\\" && cat \\"$NOMAD_TASK_DIR/out\\" && test -d \\"$NOMAD_ALLOC_DIR\\""]}
                  }]}]}}
                """);
        try (ChildRunner child = ChildRunner.startIn(
                work, root.resolve("rel.log"), "run", job.toString(), "--state-dir", "state", "--data-dir", "data")) {
            assertThat(child.process.waitFor())
                    .as(String.join("\n", child.lines()))
                    .isZero();
            assertThat(child.lines())
                    .contains("rel.g[0] t: succeeded (exit code 0)")
                    .anySatisfy(l -> assertThat(l).contains("state in " + work.resolve("state")));
        }
        assertThat(work.resolve("data/alloc")).isDirectory();
    }

    private static Set<String> allocationsIn(Path state) throws Exception {
        try (Stream<Path> dirs = Files.list(state)) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet());
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
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
