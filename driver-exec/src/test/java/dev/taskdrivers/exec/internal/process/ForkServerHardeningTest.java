package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.ProcStat;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps the fork server standing, against the real kernel as root: it is the subreaper of what its tasks leave
 * behind, the OOM killer spares it but not its tasks, and a task slow in its set-up holds up no other start.
 */
@Tag("real")
class ForkServerHardeningTest {
    private static final Duration TIMEOUT = LaunchedTasks.TIMEOUT;

    @TempDir
    Path dir;

    private ForkServerLauncher launcher;
    private LaunchedTasks tasks;
    private final List<ProcessIdentity> orphans = new java.util.ArrayList<>();

    @BeforeEach
    void createLauncher() throws IOException {
        Optional<Path> perl = ForkServerLauncher.findPerl();
        RealEnvironment.require(
                perl.isPresent() && LinuxSyscalls.forThisMachine().isPresent() && isRoot(),
                "root, perl (perl-base) and a known architecture");
        launcher = new ForkServerLauncher(perl.orElseThrow(), dir.resolve("bin"), dir);
        tasks = new LaunchedTasks(dir, launcher);
    }

    @AfterEach
    void killWhatIsLeft() {
        orphans.forEach(o -> o.kill(true));
        if (tasks != null) {
            tasks.killAndAwaitEnd();
        }
    }

    @Test
    void whatATaskLeftBehindBecomesTheServersChildAndIsReapedByIt() throws Exception {
        Path pidFile = dir.resolve("orphan.pid");
        // the grandchild leaves the task's session and group, so it survives the task's end; the task ends once it has
        SupervisedTask task = tasks.launch(tasks.spec(List.of(
                "/bin/sh",
                "-c",
                "setsid sh -c 'echo $$ > " + pidFile + "; exec sleep 600' & while [ ! -s " + pidFile
                        + " ]; do sleep 0.01; done; exit 0")));
        assertThat(tasks.awaitExit(task)).isEqualTo(ExitResult.exited(0));
        ProcessIdentity orphan =
                ProcessIdentity.of(Long.parseLong(Files.readString(pidFile).strip()));
        orphans.add(orphan);
        assertThat(orphan.isRunning()).as("the grandchild outlived the task").isTrue();

        assertThat(orphan.current().orElseThrow().ppid())
                .as("its parent: the server, not init")
                .isEqualTo(task.supervisor().pid());
        orphan.kill(true);
        await("the orphan to be reaped, not left a zombie")
                .atMost(TIMEOUT)
                .until(() -> ProcStat.read(orphan.pid())
                        .filter(s -> s.startTicks() == orphan.startTicks())
                        .isEmpty());
        assertThat(task.supervisor().isRunning()).isTrue();
    }

    /**
     * Where the host lets root lower an oom_score_adj (CAP_SYS_RESOURCE), the server protects itself and its tasks run
     * at the normal score; where it does not (some containers), the server says so and everything keeps the score it
     * inherited. Each host checks the behaviour it can show, so the test never skips.
     */
    @Test
    void theOomKillerSparesTheServerWherePermittedAndPicksItsTasksAtTheirNormalScore() throws Exception {
        SupervisedTask plain = tasks.launch(tasks.spec(List.of("/bin/sleep", "600")));
        SupervisedTask isolated = tasks.launch(tasks.spec(List.of("/bin/sleep", "600"))
                .isolatedBy(new Isolation(true, true, "oom-test", List.of(), List.of(), List.of(), true, TIMEOUT)));
        await().atMost(TIMEOUT)
                .until(() -> program(plain).equals("sleep") && program(isolated).equals("sleep"));

        if (mayLowerOomScore()) {
            assertThat(oomScoreAdj(plain.supervisor().pid())).as("the server").isEqualTo(-1000);
            assertThat(oomScoreAdj(plain.task().pid())).as("a plain task").isZero();
            assertThat(oomScoreAdj(isolated.task().pid()))
                    .as("an isolated task")
                    .isZero();
        } else {
            int inherited = oomScoreAdj(ProcessHandle.current().pid());
            assertThat(oomScoreAdj(plain.supervisor().pid())).as("the server").isEqualTo(inherited);
            assertThat(oomScoreAdj(plain.task().pid())).as("a plain task").isEqualTo(inherited);
            assertThat(oomScoreAdj(isolated.task().pid()))
                    .as("an isolated task")
                    .isEqualTo(inherited);
            assertThat(Files.readString(dir.resolve(ForkServerLauncher.SERVER_LOG)))
                    .contains("cannot protect the server from the OOM killer: Permission denied");
        }
    }

    @Test
    void aStartIsAnsweredWhileAnotherTaskIsStuckInItsIsolationSetUp() throws Exception {
        Path fifo = dir.resolve("setup.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        // writing to a FIFO nobody reads blocks the child in its set-up, before the server can answer its launch
        LaunchSpec stuckSpec = tasks.spec(List.of("/bin/true"))
                .isolatedBy(new Isolation(
                        true,
                        false,
                        "slow-test",
                        List.of(),
                        List.of(SetupStep.write(fifo.toString(), "set up")),
                        List.of(),
                        false,
                        TIMEOUT));
        ProcessIdentity server = launcher.server().identity();
        CompletableFuture<SupervisedTask> stuck = CompletableFuture.supplyAsync(() -> launch(stuckSpec));
        CompletableFuture<String> released = null;
        try {
            await("the server's child in its set-up").atMost(TIMEOUT).until(() -> childrenOf(server.pid()) == 1);

            SupervisedTask next = CompletableFuture.supplyAsync(
                            () -> launch(tasks.spec(List.of("/bin/sh", "-c", "exit 5"))))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(tasks.awaitExit(next)).isEqualTo(ExitResult.exited(5));
            assertThat(stuck).as("the launch still setting up").isNotDone();

            released = readOnce(fifo);
            assertThat(released.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("set up");
            SupervisedTask late = stuck.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(tasks.awaitExit(late)).isEqualTo(ExitResult.exited(0));
        } finally {
            if (released == null) {
                readOnce(fifo);
            }
        }
    }

    private SupervisedTask launch(LaunchSpec spec) {
        try {
            return tasks.launch(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the FIFO for reading (which lets its writer on) and reads what it gets. */
    private static CompletableFuture<String> readOnce(Path fifo) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
                byte[] buffer = new byte[256];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read.write(buffer, 0, n);
                }
                return read.toString(java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static long childrenOf(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().count()).orElse(0L);
    }

    private static int oomScoreAdj(long pid) throws IOException {
        return Integer.parseInt(
                Files.readString(Path.of("/proc/" + pid + "/oom_score_adj")).strip());
    }

    private static String program(SupervisedTask task) throws IOException {
        return Files.readString(Path.of("/proc/" + task.task().pid() + "/comm")).strip();
    }

    /** Whether a child of this JVM may lower its oom_score_adj below this JVM's (root may lack the capability). */
    private static boolean mayLowerOomScore() {
        try {
            int lower = oomScoreAdj(ProcessHandle.current().pid()) - 1;
            return new ProcessBuilder("sh", "-c", "echo " + lower + " > /proc/self/oom_score_adj")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
