package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against real shells and processes: how tasks are started, detached, reported and refused. */
@Tag("real")
class SupervisedLauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long SIGHUP_BIT = 1L << (1 - 1);
    private static final long SIGINT_BIT = 1L << (2 - 1);
    private static final long SIGQUIT_BIT = 1L << (3 - 1);
    private static final long SIGTERM_BIT = 1L << (15 - 1);

    @TempDir
    Path dir;

    private SupervisedLauncher launcher;
    private LaunchedTasks tasks;

    @BeforeEach
    void createLauncher() throws IOException {
        RealEnvironment.require(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid (util-linux)");
        launcher = new SupervisedLauncher(dir.resolve("bin"));
        tasks = new LaunchedTasks(dir, launcher);
    }

    @AfterEach
    void killWhatIsLeft() {
        if (tasks != null) {
            tasks.killAndAwaitEnd();
        }
    }

    @Test
    void theTaskRunsDetachedInItsOwnSessionAndTheJvmKeepsNoChild() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sleep", "30")));

        // start returns right after the fork; setsid runs in the task a moment later
        await("the task to lead its session")
                .atMost(TIMEOUT)
                .until(() ->
                        task.task().current().map(s -> s.session() == s.pid()).orElse(false));
        ProcStat stat = task.task().current().orElseThrow();
        assertThat(stat.pgrp()).as("process group").isEqualTo(stat.pid());
        assertThat(stat.session()).as("session").isEqualTo(stat.pid());
        assertThat(stat.ppid()).as("parent").isEqualTo(task.supervisor().pid());
        await("the shell the JVM ran to end")
                .atMost(TIMEOUT)
                .until(() -> ProcessHandle.current().children().findAny().isEmpty());
    }

    @Test
    void theSupervisorOutlivesHangupsAndTerminationAimedAtTheJvmsGroupAndStillRecordsTheExit() throws Exception {
        Path release = dir.resolve("release");
        SupervisedTask task =
                launch(spec(List.of("/bin/sh", "-c", "while [ ! -e " + release + " ]; do sleep 0.05; done; exit 7")));

        new ProcessBuilder("kill", "-s", "HUP", Long.toString(task.supervisor().pid()))
                .start()
                .waitFor();
        new ProcessBuilder("kill", "-s", "TERM", Long.toString(task.supervisor().pid()))
                .start()
                .waitFor();
        await("the supervisor to outlive both signals")
                .during(Duration.ofMillis(100))
                .atMost(TIMEOUT)
                .until(() -> task.supervisor().isRunning());
        Files.createFile(release);

        await("the exit status")
                .atMost(TIMEOUT)
                .until(() -> ExitStatusFile.read(task.exitFile()).isPresent());
        assertThat(ExitStatusFile.read(task.exitFile())).contains(ExitResult.exited(7));
    }

    @Test
    void theTaskGetsTheDefaultActionsOfTheSignalsTheSupervisorIgnores() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sleep", "30")));

        await("the task to run sleep")
                .atMost(TIMEOUT)
                .until(() -> Files.readString(Path.of("/proc/" + task.task().pid() + "/comm"))
                        .strip()
                        .equals("sleep"));
        long ignored = ignoredSignals(task.task().pid());
        assertThat(ignored & SIGHUP_BIT).as("SIGHUP ignored").isZero();
        assertThat(ignored & SIGTERM_BIT).as("SIGTERM ignored").isZero();
        if (launcher.signalReset().isPresent()) {
            assertThat(ignored & SIGINT_BIT).as("SIGINT ignored").isZero();
            assertThat(ignored & SIGQUIT_BIT).as("SIGQUIT ignored").isZero();
        }
    }

    @Test
    void sigintEndsATaskThatDoesNotHandleIt() throws Exception {
        RealEnvironment.require(launcher.signalReset().isPresent(), "GNU env with --default-signal");
        SupervisedTask task = launch(spec(List.of("/bin/sleep", "30")));
        await("the task to run sleep")
                .atMost(TIMEOUT)
                .until(() -> Files.readString(Path.of("/proc/" + task.task().pid() + "/comm"))
                        .strip()
                        .equals("sleep"));

        new ProcessBuilder("kill", "-s", "INT", Long.toString(task.task().pid()))
                .start()
                .waitFor();

        await("the exit status")
                .atMost(TIMEOUT)
                .until(() -> ExitStatusFile.read(task.exitFile()).isPresent());
        assertThat(ExitStatusFile.read(task.exitFile()).map(ExitResult::signal)).contains(2);
    }

    @Test
    void aMissingWorkingDirectoryIsReportedAndNothingStarts() {
        Path missing = dir.resolve("no-such-dir");
        LaunchSpec spec = new LaunchSpec(
                List.of("/bin/true"),
                Map.of(),
                missing,
                dir.resolve("out"),
                dir.resolve("err"),
                dir.resolve("state-missing"),
                dir.resolve("exits").resolve("missing"));

        assertThatThrownBy(() -> launcher.launch(spec, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot enter working directory")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aTaskReportingReadyIsWaitedFor() throws Exception {
        Path marker = dir.resolve("set-up");
        SupervisedTask task = launch(spec(List.of(
                        "/bin/sh", "-c", "sleep 0.2; : > " + marker + "; echo ready >&3; exec 3>&-; exec sleep 30"))
                .reportingReady());

        assertThat(marker).as("set up before launch returned").exists();
        assertThat(task.task().isRunning()).isTrue();
    }

    @Test
    void aTaskEndingBeforeItIsReadyIsAnErrorWithItsExitCode() {
        LaunchSpec spec =
                spec(List.of("/bin/sh", "-c", "echo broken >&2; exit 125")).reportingReady();

        assertThatThrownBy(() -> launch(spec))
                .isInstanceOfSatisfying(
                        SupervisedLauncher.NotReadyException.class,
                        e -> assertThat(e.timedOut()).isFalse())
                .hasMessageContaining("exit code 125");
    }

    @Test
    void aTaskNeverReadyIsKilledAtTheDeadline() throws Exception {
        LaunchSpec spec = spec(List.of("/bin/sleep", "30")).reportingReady();

        assertThatThrownBy(() -> launcher.launch(spec, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        SupervisedLauncher.NotReadyException.class,
                        e -> assertThat(e.timedOut()).isTrue());
        await("the task's exit status")
                .atMost(TIMEOUT)
                .until(() -> ExitStatusFile.read(spec.exitFile()).isPresent());
        assertThat(ExitStatusFile.read(spec.exitFile()).map(ExitResult::signal)).contains(9);
    }

    private SupervisedTask launch(LaunchSpec spec) throws IOException {
        return tasks.launch(spec);
    }

    private LaunchSpec spec(List<String> argv) {
        return tasks.spec(argv);
    }

    private static long ignoredSignals(long pid) throws IOException {
        Optional<String> line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("SigIgn:"))
                .findFirst();
        return Long.parseUnsignedLong(
                line.orElseThrow().substring("SigIgn:".length()).strip(), 16);
    }
}
