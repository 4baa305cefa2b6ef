package dev.taskdrivers.exec.internal.raw;

import static dev.taskdrivers.exec.internal.raw.RawExecFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** raw_exec behaviour beyond the contract, against real processes. */
@Tag("real")
class RawExecDriverTest {
    @TempDir
    Path tempDir;

    private RawExecFixture fixture;
    private Driver driver;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new RawExecFixture(tempDir);
        driver = fixture.driver();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void stopKillsChildrenThatIgnoreSigtermAndChildrenThatLeftTheGroup() throws Exception {
        Path pids = tempDir.resolve("children.pids");
        TaskHandle handle = fixture.start(
                driver,
                fixture.task(
                        "forker",
                        sh("trap '' TERM; sleep 600 & echo $! >> " + pids + "; "
                                + "setsid sh -c 'trap \"\" TERM; sleep 600' & echo $! >> " + pids + "; "
                                + "sh -c 'trap \"\" TERM; while :; do sleep 1; done' & echo $! >> " + pids + "; "
                                + "wait")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 3);
        List<ProcessIdentity> children = Files.readAllLines(pids).stream()
                .map(Integer::parseInt)
                .map(ProcessIdentity::of)
                .toList();
        assertThat(children).allMatch(ProcessIdentity::isRunning);

        ExitResult result = handle.stop(Duration.ofMillis(500), "SIGTERM").get(10, TimeUnit.SECONDS);

        assertThat(result.signal()).as("result %s", result).isEqualTo(9);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(children).noneMatch(ProcessIdentity::isRunning));
    }

    @Test
    void childrenLeftBehindByATaskThatExitsAreKilled() throws Exception {
        Path pid = tempDir.resolve("orphan.pid");
        TaskHandle handle =
                fixture.start(driver, fixture.task("leaver", sh("sleep 600 & echo $! > " + pid + "; exit 0")));
        assertThat(handle.exitFuture().get(10, TimeUnit.SECONDS).successful()).isTrue();
        ProcessIdentity orphan =
                ProcessIdentity.of(Integer.parseInt(Files.readString(pid).strip()));
        await().atMost(Duration.ofSeconds(5)).until(() -> !orphan.isRunning());
    }

    @Test
    void aSignalDeathIsReportedAsTheSignal() throws Exception {
        TaskHandle handle =
                fixture.start(driver, fixture.task("victim", Map.of("command", "sleep", "args", List.of("600"))));
        int pid = Integer.parseInt(handle.state().data().get("pid"));
        new ProcessBuilder("kill", "-KILL", Integer.toString(pid)).start().waitFor();
        ExitResult result = handle.exitFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.signal()).isEqualTo(9);
        assertThat(result.exitCode()).isEqualTo(-1);
    }

    @Test
    void anExitCodeAbove128IsReportedAsThatExitCode() throws Exception {
        TaskHandle handle = fixture.start(driver, fixture.task("exit150", sh("exit 150")));
        ExitResult result = handle.exitFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(150);
        assertThat(result.signal()).isZero();
    }

    @Test
    void aTaskEndedBySigusr1ReportsSignal10() throws Exception {
        TaskHandle handle =
                fixture.start(driver, fixture.task("usr1", Map.of("command", "sleep", "args", List.of("600"))));
        Path comm = Path.of("/proc/" + handle.state().data().get("pid") + "/comm");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(comm).strip().equals("sleep"));
        handle.signal("SIGUSR1");
        ExitResult result = handle.exitFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.signal()).isEqualTo(10);
        assertThat(result.exitCode()).isEqualTo(-1);
    }

    @Test
    void withTheForkServerOffEachTaskGetsItsOwnShellSupervisor() throws Exception {
        Driver shell = fixture.driver(Map.of("fork_server", false));
        assertThat(shell.fingerprint().attributes()).containsEntry(RawExecFingerprint.SUPERVISOR_ATTRIBUTE, "shell");
        TaskHandle first = fixture.start(shell, fixture.task("first", sh("exit 7")));
        TaskHandle second = fixture.start(shell, fixture.task("second", sh("exit 8")));

        assertThat(first.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(ExitResult.exited(7));
        assertThat(second.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(ExitResult.exited(8));
        assertThat(first.state().data().get("supervisor_pid"))
                .isNotEqualTo(second.state().data().get("supervisor_pid"));
    }

    @Test
    void signalsAreSentByNameToTheTask() throws Exception {
        Path ready = tempDir.resolve("ready");
        TaskHandle handle = fixture.start(
                driver,
                fixture.task("hup", sh("trap 'exit 11' HUP; touch " + ready + "; while :; do sleep 0.1; done")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
        handle.signal("hup");
        assertThat(handle.exitFuture().get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(11);
        assertThatThrownBy(() -> handle.signal("SIGHUP"))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void anUnknownSignalIsRefusedWithItsName() {
        TaskHandle handle =
                fixture.start(driver, fixture.task("sleeper", Map.of("command", "sleep", "args", List.of("600"))));
        assertThatThrownBy(() -> handle.signal("SIGNOPE"))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("SIGNOPE");
    }

    @Test
    void argumentsReachTheTaskVerbatimAndOutputGoesToLogFiles() throws Exception {
        TaskConfig task = fixture.task(
                "echo", Map.of("command", "printf", "args", List.of("%s|%s|%s\\n", "$HOME", "a b", "*;`x`")));
        TaskHandle handle = fixture.start(driver, task);
        assertThat(handle.exitFuture().get(10, TimeUnit.SECONDS).successful()).isTrue();
        assertThat(Files.readString(task.dirs().logsDir().resolve("echo.stdout.0")))
                .isEqualTo("$HOME|a b|*;`x`\n");
        assertThat(task.dirs().logsDir().resolve("echo.stderr.0")).exists();
    }

    @Test
    void theTaskRunsInItsTaskDirectoryWithExactlyItsEnvironment() throws Exception {
        TaskConfig task = fixture.task("env", sh("pwd; env | sort"), Map.of("GREETING", "hi there"));
        TaskHandle handle = fixture.start(driver, task);
        assertThat(handle.exitFuture().get(10, TimeUnit.SECONDS).successful()).isTrue();
        List<String> lines = Files.readAllLines(task.dirs().logsDir().resolve("env.stdout.0"));
        assertThat(lines.get(0)).isEqualTo(task.dirs().taskDir().toString());
        assertThat(lines)
                .contains("GREETING=hi there", "NOMAD_TASK_NAME=env")
                .noneMatch(l -> l.startsWith("__td_") || l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN_"));
    }

    @Test
    void logsAreRotatedAtTheConfiguredSize() throws Exception {
        Map<String, Object> config = new HashMap<>(
                sh("i=0; while [ $i -lt 6 ]; do head -c 700000 /dev/zero | tr '\\0' x; i=$((i+1)); sleep 1.2; done;"
                        + " sleep 600"));
        config.put("max_file_size", 1);
        config.put("max_files", 2);
        TaskConfig task = fixture.task("chatty", config);
        fixture.start(driver, task);
        // Nomad's layout: the full file keeps its index, the task goes on at the next, at most max_files are kept
        Path first = task.dirs().logsDir().resolve("chatty.stdout.0");
        Path third = task.dirs().logsDir().resolve("chatty.stdout.2");
        // the oldest index goes at the end of the rotation that made the third: waited for, not raced
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(third) && Files.size(third) > 0 && !Files.exists(first));
        Path second = task.dirs().logsDir().resolve("chatty.stdout.1");
        assertThat(Files.size(second)).isBetween(1024L * 1024 - 4096, 1024L * 1024);
    }

    @Test
    void anExitWhileNoDriverWatchedIsReportedAfterRecovery() throws Exception {
        Path trigger = tempDir.resolve("trigger");
        TaskConfig task = fixture.task("late", sh("until [ -e " + trigger + " ]; do sleep 0.05; done; exit 17"));
        TaskHandle handle = fixture.start(driver, task);
        HandleState state = handle.state();
        handle.close();
        driver.close();

        Files.writeString(trigger, "go");
        Path exitFile = Path.of(state.data().get("exit_file"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(exitFile));

        Driver next = fixture.driver();
        TaskHandle recovered = next.recover(task, state, EventEmitter.NONE);
        fixture.replace(handle, next, recovered);
        assertThat(recovered.exitFuture().get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(17);
    }

    @Test
    void aRecycledPidIsNotMistakenForTheTask() throws Exception {
        TaskConfig task = fixture.task("gone", Map.of("command", "sleep", "args", List.of("600")));
        TaskHandle handle = fixture.start(driver, task);
        Map<String, String> data = new HashMap<>(handle.state().data());
        // a live process (this JVM) with the pid the state names, but another start time, and no exit status
        int self = (int) ProcessHandle.current().pid();
        long selfStart = ProcStat.read(self).orElseThrow().startTicks();
        data.put("pid", Integer.toString(self));
        data.put("pid_start", Long.toString(selfStart + 1));
        data.put("supervisor_pid", Integer.toString(self));
        data.put("supervisor_start", Long.toString(selfStart + 1));
        data.put("exit_file", tempDir.resolve("no-such-exit").toString());
        HandleState forged = new HandleState("raw_exec", 1, data);
        assertThatThrownBy(() -> fixture.driver().recover(task, forged, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aHandleStateOfAnotherDriverIsRefused() {
        TaskConfig task = fixture.task("other", Map.of("command", "true"));
        assertThatThrownBy(
                        () -> driver.recover(task, new HandleState("docker", 1, Map.of("id", "x")), EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG));
    }

    @Test
    void execRunsInTheTasksEnvironmentAndDirectory() {
        TaskConfig task =
                fixture.task("web", Map.of("command", "sleep", "args", List.of("600")), Map.of("GREETING", "hello"));
        TaskHandle handle = fixture.start(driver, task);
        ExecResult result = handle.exec(
                ExecRequest.of(List.of("sh", "-c", "echo $GREETING; pwd; echo oops >&2"), Duration.ofSeconds(10)));
        assertThat(result.stdout()).isEqualTo("hello\n" + task.dirs().taskDir() + "\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void execIsKilledAtItsTimeoutWithItsChildren() throws Exception {
        Path pid = tempDir.resolve("exec-child.pid");
        TaskHandle handle =
                fixture.start(driver, fixture.task("web", Map.of("command", "sleep", "args", List.of("600"))));
        ExecResult result = handle.exec(
                ExecRequest.of(List.of("sh", "-c", "sleep 600 & echo $! > " + pid + "; wait"), Duration.ofMillis(500)));
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        ProcessIdentity child =
                ProcessIdentity.of(Integer.parseInt(Files.readString(pid).strip()));
        await().atMost(Duration.ofSeconds(5)).until(() -> !child.isRunning());
    }

    @Test
    void execOutputIsCapped() {
        TaskHandle handle =
                fixture.start(driver, fixture.task("web", Map.of("command", "sleep", "args", List.of("600"))));
        ExecResult result = handle.exec(new ExecRequest(
                List.of("sh", "-c", "head -c 10000 /dev/zero | tr '\\0' y"), Duration.ofSeconds(10), 100));
        assertThat(result.stdout()).hasSize(100);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void statsReportCpuAndMemoryOfTheTask() throws Exception {
        TaskHandle handle = fixture.start(driver, fixture.task("busy", sh("while :; do :; done")));
        TaskStats first = handle.stats();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> handle.stats().cpuTotalNanos() > first.cpuTotalNanos());
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> {
                    TaskStats later = handle.stats(); // cpu percent is measured since the sample before
                    assertThat(later.memoryRssBytes()).isGreaterThan(100_000);
                    assertThat(later.cpuPercent()).isGreaterThan(5);
                });
    }

    @Test
    void cleanupRemovesTheSupervisorFilesAndIsIdempotent() throws Exception {
        TaskConfig task = fixture.task("quick", Map.of("command", "true"));
        TaskHandle handle = fixture.start(driver, task);
        handle.exitFuture().get(10, TimeUnit.SECONDS);
        Path stateDir = Path.of(handle.state().data().get("state_dir"));
        Path exitFile = Path.of(handle.state().data().get("exit_file"));
        assertThat(exitFile).exists();
        // the state dir holds what commands run in the task leave; the fork server itself needs none
        Files.createDirectories(stateDir.resolve("exec"));
        driver.cleanup(task, fixture.created(handle));
        driver.cleanup(task, fixture.created(handle));
        assertThat(stateDir).doesNotExist();
        assertThat(exitFile).doesNotExist();
    }

    @Test
    void aDisabledDriverIsUnhealthyAndStartsNothing() {
        Driver disabled = fixture.driver(Map.of("enabled", false));
        Fingerprint fingerprint = disabled.fingerprint();
        assertThat(fingerprint.health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
        assertThat(fingerprint.description()).contains("enabled");
        TaskConfig task = fixture.task("nope", Map.of("command", "true"));
        assertThatThrownBy(() -> disabled.start(task, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIVER_UNAVAILABLE));
    }

    @Test
    void theFingerprintNamesTheKernelAndOs() {
        Fingerprint fingerprint = driver.fingerprint();
        assertThat(fingerprint.isHealthy()).isTrue();
        assertThat(fingerprint.attributes())
                .containsEntry("kernel.name", "linux")
                .containsKeys("kernel.version", "os.name");
        assertThat(fingerprint.attributes())
                .containsEntry(
                        RawExecFingerprint.SUPERVISOR_ATTRIBUTE,
                        Files.isExecutable(Path.of("/usr/bin/perl")) ? "fork_server" : "shell");
    }

    @Test
    void validationNamesEveryBadField() {
        TaskConfig task = fixture.task(
                "bad", Map.of("command", "no-such-program-here", "max_files", 0, "max_file_size", "big", "extra", 1));
        // a bare name is looked up at start, since an artifact or template may still bring it
        assertThat(driver.validate(task))
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder("config.max_files", "config.max_file_size", "config.extra");
        assertThatThrownBy(() -> driver.start(task, EventEmitter.NONE)).isInstanceOf(ValidationException.class);
        TaskConfig missing = fixture.task("missing", Map.of("command", "no-such-program-here"));
        assertThatThrownBy(() -> driver.start(missing, EventEmitter.NONE))
                .hasMessageContaining("config.command: 'no-such-program-here' is not an executable file")
                .hasMessageContaining("then on PATH");
    }

    @Test
    void anAbsoluteCommandThisHostLacksIsTheNodesProblemNotTheTasks() {
        TaskConfig elsewhere = fixture.task("elsewhere", Map.of("command", "/opt/no-such-dir/starttomcat.sh"));
        TaskConfig here = fixture.task("here", Map.of("command", "/bin/true"));

        assertThat(driver.validate(elsewhere))
                .as("valid: a node that has the program runs it")
                .isEmpty();
        assertThat(driver.nodeProblems(elsewhere))
                .containsExactly(new ValidationProblem(
                        "config.command", "'/opt/no-such-dir/starttomcat.sh' is not an executable file on this node"));
        assertThat(driver.nodeProblems(here)).isEmpty();
        assertThatThrownBy(() -> driver.start(elsewhere, EventEmitter.NONE))
                .hasMessageContaining("config.command: '/opt/no-such-dir/starttomcat.sh' is not an executable file");
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aRelativeDataDirectoryWorksFromAnyWorkingDirectory(boolean forkServer) throws Exception {
        // below this JVM's working directory: the same relative path from "/", where the fork server runs, is wrong
        Path relative = Path.of("target", "relative-data-" + UUID.randomUUID());
        try {
            Driver relativeDriver = fixture.driver(Map.of("fork_server", forkServer), relative);
            TaskConfig task = fixture.task("relative", sh("echo started"));

            TaskHandle handle = fixture.start(relativeDriver, task);

            ExitResult result = handle.exitFuture().get(10, TimeUnit.SECONDS);
            assertThat(result.successful()).as("result %s", result).isTrue();
            assertThat(Files.readString(task.dirs().logsDir().resolve("relative.stdout.0")))
                    .isEqualTo("started\n");
        } finally {
            try (Stream<Path> files = Files.walk(relative)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aBadDriverOptionIsRefusedAtCreation() {
        assertThatThrownBy(() -> fixture.driver(Map.of("enabled", "yes", "colour", "red")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("raw_exec.enabled")
                .hasMessageContaining("raw_exec.colour");
    }
}
