package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fork server against real Perl and processes: exact exit statuses, detachment, errors, one server for all. */
@Tag("real")
class ForkServerLauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int[] DEFAULT_SIGNALS = {1, 2, 3, 10, 12, 13, 14, 15};

    @TempDir
    Path dir;

    private ForkServerLauncher launcher;
    private LaunchedTasks tasks;

    @BeforeEach
    void createLauncher() throws IOException {
        Optional<Path> perl = ForkServerLauncher.findPerl();
        RealEnvironment.require(perl.isPresent(), "perl (perl-base)");
        launcher = new ForkServerLauncher(perl.orElseThrow(), dir.resolve("bin"), dir);
        tasks = new LaunchedTasks(dir, launcher);
    }

    @AfterEach
    void killWhatIsLeft() {
        if (tasks != null) {
            tasks.killAndAwaitEnd();
        }
    }

    @Test
    void anExitCodeAbove128IsReportedAsThatExitCodeNotAsASignal() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sh", "-c", "exit 150")));

        ExitResult result = awaitExit(task);
        assertThat(result.exitCode()).isEqualTo(150);
        assertThat(result.signal()).isZero();
    }

    @Test
    void aTaskKilledBySigusr1ReportsSignal10() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sleep", "600")));
        awaitProgram(task, "sleep");

        new ProcessBuilder("kill", "-s", "USR1", Long.toString(task.task().pid()))
                .start()
                .waitFor();

        ExitResult result = awaitExit(task);
        assertThat(result.signal()).isEqualTo(10);
        assertThat(result.exitCode()).isEqualTo(-1);
    }

    @Test
    void theTaskLeadsItsOwnSessionWithDefaultSignalActionsAndTheJvmKeepsOneChild() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sleep", "600")));

        // launch returns right after the fork; the child sets itself up, then executes sleep
        awaitProgram(task, "sleep");
        ProcStat stat = task.task().current().orElseThrow();
        assertThat(stat.session()).as("session").isEqualTo(stat.pid());
        assertThat(stat.pgrp()).as("process group").isEqualTo(stat.pid());
        assertThat(stat.ppid()).as("parent").isEqualTo(task.supervisor().pid());
        long ignored = signalMask(task.task().pid(), "SigIgn:");
        for (int signal : DEFAULT_SIGNALS) {
            assertThat(ignored & (1L << (signal - 1)))
                    .as("signal %s ignored", signal)
                    .isZero();
        }
        ProcStat server = task.supervisor().current().orElseThrow();
        assertThat(server.session()).as("the server left the JVM's session").isEqualTo(server.pid());
        assertThat(childrenOfThisTest())
                .containsExactly((long) task.supervisor().pid());
    }

    @Test
    void argumentsAndEnvironmentReachTheTaskVerbatim() throws Exception {
        LaunchSpec base = spec(List.of(
                "/bin/sh", "-c", "printf '%s|' \"$@\"; echo; env | sort", "sh", "$HOME", "a b", "*;`x`", "", "ünï"));
        LaunchSpec spec = new LaunchSpec(
                base.argv(),
                Map.of("GREETING", "hi there", "EMPTY", "", "EQ", "a=b", "PATH", Executables.DEFAULT_PATH),
                base.cwd(),
                base.stdout(),
                base.stderr(),
                base.stateDir(),
                base.exitFile());
        SupervisedTask task = launch(spec);

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        List<String> lines = Files.readAllLines(spec.stdout());
        assertThat(lines.get(0)).isEqualTo("$HOME|a b|*;`x`||ünï|");
        // sh adds PWD, SHLVL and _ itself; nothing else of the JVM's or the server's environment is there
        assertThat(lines.subList(1, lines.size()))
                .filteredOn(l -> !l.matches("(PWD|SHLVL|_)=.*"))
                .containsExactly("EMPTY=", "EQ=a=b", "GREETING=hi there", "PATH=" + Executables.DEFAULT_PATH);
    }

    @Test
    void startFailuresAreErrorsNamingTheProblemAndStartNothing() throws Exception {
        Path missingDir = dir.resolve("no-such-dir");
        LaunchSpec badCwd = new LaunchSpec(
                List.of("/bin/true"),
                Map.of(),
                missingDir,
                dir.resolve("out"),
                dir.resolve("err"),
                dir.resolve("state-cwd"),
                dir.resolve("exits").resolve("cwd"));
        LaunchSpec badProgram = spec(List.of(dir.resolve("no-such-program").toString()));

        assertThatThrownBy(() -> launcher.launch(badCwd, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot enter working directory " + missingDir);
        assertThatThrownBy(() -> launcher.launch(badProgram, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot execute " + badProgram.argv().get(0));
        ProcessIdentity server = launcher.server().identity();
        assertThat(ProcessHandle.of(server.pid()).orElseThrow().children().toList())
                .as("children left")
                .isEmpty();
        assertThat(badCwd.exitFile()).doesNotExist();
        assertThat(badProgram.exitFile()).doesNotExist();

        SupervisedTask next = launch(spec(List.of("/bin/sh", "-c", "exit 3")));
        assertThat(next.supervisor()).as("the same server goes on").isEqualTo(server);
        assertThat(awaitExit(next)).isEqualTo(ExitResult.exited(3));
    }

    @Test
    void aSetUpStepFailingAfterTheForkEndsTheTaskWithTheReason() throws Exception {
        Path script = dir.resolve("bad-interpreter");
        Files.writeString(script, "#!/no/such/interpreter\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        LaunchSpec base = spec(List.of(script.toString()));
        LaunchSpec unwritableLog = new LaunchSpec(
                List.of("/bin/true"),
                base.env(),
                dir,
                dir.resolve("bin"),
                base.stderr(),
                dir.resolve("state-log"),
                dir.resolve("exits").resolve("log"));

        assertThat(awaitExit(launch(base)).error()).startsWith("cannot execute " + script);
        assertThat(awaitExit(launch(unwritableLog)).error()).startsWith("cannot open " + dir.resolve("bin"));
        assertThat(Path.of(base.exitFile() + ".setup")).doesNotExist();
    }

    @Test
    void aTaskWhoseCgroupCannotBeCreatedRunsOutsideItAndTheServerLogSaysWhy() throws Exception {
        Path cgroup = dir.resolve("no-such-hierarchy").resolve("task");
        LaunchSpec spec = spec(List.of("/bin/sh", "-c", "exit 6"))
                .creatingCgroups(List.of(SetupStep.directory(cgroup.toString(), 0755)))
                .joiningCgroups(List.of(cgroup.resolve("cgroup.procs")));

        assertThat(awaitExit(launch(spec)))
                .as("it ran, not joining what was never made")
                .isEqualTo(ExitResult.exited(6));
        assertThat(Files.readString(dir.resolve(ForkServerLauncher.SERVER_LOG)))
                .contains("runs outside its cgroups: cannot create directory " + cgroup);
    }

    @Test
    void aTaskStuckInItsSetUpHoldsUpNoOtherTaskAndCanBeKilled() throws Exception {
        Path fifo = dir.resolve("log.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        LaunchSpec base = spec(List.of("/bin/true"));
        // opening a FIFO nobody reads blocks the task before its exec
        SupervisedTask stuck = launch(new LaunchSpec(
                base.argv(), base.env(), base.cwd(), fifo, base.stderr(), base.stateDir(), base.exitFile()));

        SupervisedTask next = launch(spec(List.of("/bin/sh", "-c", "exit 4")));
        assertThat(awaitExit(next)).isEqualTo(ExitResult.exited(4));
        assertThat(stuck.task().isRunning()).as("stuck task").isTrue();

        ProcessHandle.of(stuck.task().pid()).orElseThrow().destroyForcibly();
        assertThat(awaitExit(stuck)).isEqualTo(ExitResult.signaled(9));
    }

    @Test
    void childrenTheTaskLeavesInItsGroupDieWithIt() throws Exception {
        Path pid = dir.resolve("orphan.pid");
        SupervisedTask task = launch(spec(List.of("/bin/sh", "-c", "sleep 600 & echo $! > " + pid + "; exit 0")));

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        ProcessIdentity orphan =
                ProcessIdentity.of(Integer.parseInt(Files.readString(pid).strip()));
        await("the orphan to be killed").atMost(TIMEOUT).until(() -> !orphan.isRunning());
    }

    @Test
    void afterTheLauncherClosedTheServerRecordsTheExitsOfItsTasksThenEnds() throws Exception {
        Path release = dir.resolve("release");
        SupervisedTask task =
                launch(spec(List.of("/bin/sh", "-c", "while [ ! -e " + release + " ]; do sleep 0.05; done; exit 201")));
        launcher.close();
        // the server must stay while its task runs, not merely be slow to end
        await("server running while its task runs")
                .during(Duration.ofMillis(200))
                .atMost(TIMEOUT)
                .until(() -> task.supervisor().isRunning());

        Files.createFile(release);

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(201));
        await("the server to end after its last task")
                .atMost(TIMEOUT)
                .until(() -> !task.supervisor().isRunning());
    }

    @Test
    void aThousandTasksRunUnderOneServerProcess() throws Exception {
        int total = 1000;
        List<SupervisedTask> started = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            started.add(launch(spec(List.of("/bin/sleep", "600"))));
        }

        Set<ProcessIdentity> servers =
                started.stream().map(SupervisedTask::supervisor).collect(Collectors.toSet());
        assertThat(servers).hasSize(1);
        ProcessHandle server = ProcessHandle.of(servers.iterator().next().pid()).orElseThrow();
        assertThat(server.children().count()).as("tasks of the server").isEqualTo(total);
        assertThat(childrenOfThisTest()).as("children of the JVM").containsExactly(server.pid());

        started.forEach(t -> ProcessHandle.of(t.task().pid()).ifPresent(ProcessHandle::destroyForcibly));
        await("every exit status")
                .atMost(TIMEOUT)
                .until(() -> started.stream().allMatch(t -> Files.exists(t.exitFile())));
        assertThat(started)
                .allSatisfy(t -> assertThat(ExitStatusFile.read(t.exitFile())).contains(ExitResult.signaled(9)));
    }

    /** The JVM's children started by this test (servers of earlier tests may still be ending). */
    private List<Long> childrenOfThisTest() {
        return ProcessHandle.current()
                .children()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains(dir.toString()))
                        .orElse(true))
                .map(ProcessHandle::pid)
                .toList();
    }

    /** Until the task executed {@code program}: until then it may still ignore signals the server ignores. */
    private static void awaitProgram(SupervisedTask task, String program) {
        await("the task to run " + program)
                .atMost(TIMEOUT)
                .until(() -> Files.readString(Path.of("/proc/" + task.task().pid() + "/comm"))
                        .strip()
                        .equals(program));
    }

    private ExitResult awaitExit(SupervisedTask task) {
        await("the exit status of " + task.task()).atMost(TIMEOUT).until(() -> Files.exists(task.exitFile()));
        return ExitStatusFile.read(task.exitFile()).orElseThrow();
    }

    private SupervisedTask launch(LaunchSpec spec) throws IOException {
        return tasks.launch(spec);
    }

    private LaunchSpec spec(List<String> argv) {
        return tasks.spec(argv);
    }

    private static long signalMask(long pid, String field) throws IOException {
        Optional<String> line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field))
                .findFirst();
        return Long.parseUnsignedLong(
                line.orElseThrow().substring(field.length()).strip(), 16);
    }
}
