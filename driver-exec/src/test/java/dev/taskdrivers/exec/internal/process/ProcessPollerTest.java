package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.hostprocess.RotatingLogFile;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller against real tasks of a fork server: exits from file events, logs and supervisors checked in turn. */
@Tag("real")
class ProcessPollerTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private LaunchedTasks tasks;
    private final List<ProcessPoller> pollers = new ArrayList<>();

    @BeforeEach
    void createLauncher() throws IOException {
        Optional<Path> perl = ForkServerLauncher.findPerl();
        RealEnvironment.require(perl.isPresent(), "perl (perl-base)");
        tasks = new LaunchedTasks(dir, new ForkServerLauncher(perl.orElseThrow(), dir.resolve("bin"), dir));
    }

    @AfterEach
    void stop() {
        pollers.forEach(ProcessPoller::close);
        if (tasks != null) {
            tasks.killAndAwaitEnd();
        }
    }

    @Test
    void anExitIsReportedByItsFileEventWithoutAnyPolling() throws Exception {
        ProcessPoller poller = poller(NEVER, NEVER, 1, 1);
        SupervisedTask task = tasks.launch(tasks.spec(List.of("/bin/sh", "-c", "read x; exit 7")));
        CompletableFuture<ExitResult> exit = poller.watch(task, List.of());
        assertThat(exit).isNotDone();

        // stdin is /dev/null: the read ends at once; sleep first so the watch surely began before the exit
        SupervisedTask second = tasks.launch(tasks.spec(List.of("/bin/sh", "-c", "sleep 0.3; exit 9")));
        CompletableFuture<ExitResult> secondExit = poller.watch(second, List.of());

        assertThat(exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).exitCode()).isEqualTo(7);
        assertThat(secondExit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).exitCode())
                .isEqualTo(9);
        assertThat(poller.watched()).isZero();
    }

    @Test
    void aStatusRecordedBeforeTheWatchBeganIsFoundAtOnce() throws Exception {
        SupervisedTask task = tasks.launch(tasks.spec(List.of("/bin/sh", "-c", "exit 150")));
        tasks.awaitExit(task);

        CompletableFuture<ExitResult> exit = poller(NEVER, NEVER, 1, 1).watch(task, List.of());

        assertThat(exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).exitCode()).isEqualTo(150);
    }

    private static final int BLOCK = 4096;

    @Test
    void aFullLogIsRotatedWhenOnlyOneTaskIsCheckedARound() throws Exception {
        ProcessPoller poller = poller(NEVER, Duration.ofMillis(50), 1, 1);
        List<RotatingLogFile> quiet = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quiet.add(watchSleeperLoggingTo(poller, "quiet" + i, ""));
        }
        // each quiet task is checked in turn; the one that starts writing late is found by its turn, then every round
        RotatingLogFile chatty = quiet.get(3);
        for (int round = 0; round < 3; round++) {
            Path written = chatty.currentFile();
            // a file holds whole blocks of the file system (so the live file's start can be cut off without loss)
            Files.writeString(written, "x".repeat(BLOCK + 150), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            await("rotation of " + written)
                    .atMost(TIMEOUT)
                    .until(() -> !chatty.currentFile().equals(written));
            assertThat(Files.size(written)).isEqualTo(BLOCK);
        }
        assertThat(chatty.currentFile()).hasFileName("quiet3.stdout.3");
        assertThat(dir.resolve("quiet3.stdout.1")).doesNotExist();
        assertThat(quiet.get(0).currentFile()).hasFileName("quiet0.stdout.0");
    }

    @Test
    void manyTasksWatchedAtOnceHaveTheirFirstLogCheckSpreadOverRounds() throws Exception {
        ProcessPoller poller = poller(NEVER, NEVER, 2, 1);
        List<RotatingLogFile> full = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            full.add(watchSleeperLoggingTo(poller, "full" + i, "x".repeat(BLOCK + 150)));
        }

        poller.runRound();
        // each full log is rotated when it is checked: two new tasks and two in turn at most, not all ten in the
        // round right after they came
        assertThat(full).filteredOn(ProcessPollerTest::rotated).hasSizeBetween(2, 4);

        for (int round = 0; round < 4; round++) {
            poller.runRound();
        }
        // every new task had its first check within five rounds
        assertThat(full).allMatch(ProcessPollerTest::rotated);
    }

    private static boolean rotated(RotatingLogFile log) {
        return log.currentFile().getFileName().toString().endsWith(".stdout.1");
    }

    @Test
    void aTaskWhoseSupervisorWasKilledIsReportedFailedOnceItIsGone() throws Exception {
        ProcessPoller poller = poller(NEVER, Duration.ofMillis(50), 1, 1);
        List<CompletableFuture<ExitResult>> exits = new ArrayList<>();
        List<SupervisedTask> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SupervisedTask task = tasks.launch(tasks.spec(List.of("sleep", "60")));
            started.add(task);
            exits.add(poller.watch(task, List.of()));
        }
        ProcessHandle server =
                ProcessHandle.of(started.get(0).supervisor().pid()).orElseThrow();
        server.destroyForcibly();
        await("the fork server to end")
                .atMost(TIMEOUT)
                .until(() -> !started.get(0).supervisor().isRunning());
        assertThat(exits).noneMatch(CompletableFuture::isDone);

        ProcessHandle.of(started.get(1).task().pid()).orElseThrow().destroyForcibly();

        ExitResult result = exits.get(1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.successful()).isFalse();
        assertThat(result.error()).contains("supervisor was killed");
        assertThat(exits.get(0)).isNotDone();
        assertThat(exits.get(2)).isNotDone();
    }

    @Test
    void aTaskEndedButNotYetReapedByItsSupervisorIsNotReportedLost() throws Exception {
        ProcessPoller poller = poller(NEVER, Duration.ofMillis(20), 1, 1);
        Path pidFile = dir.resolve("zombie.pid");
        // the shell becomes a sleep that never reaps its child: the child stays a zombie, as a task does while a
        // swamped fork server has yet to reap it
        Process parent =
                new ProcessBuilder("/bin/sh", "-c", "sleep 0.5 & echo $! > " + pidFile + "; exec sleep 60").start();
        try {
            await().atMost(TIMEOUT)
                    .until(() ->
                            Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            ProcessIdentity task = ProcessIdentity.of(
                    Integer.parseInt(Files.readString(pidFile).strip()));
            ProcessIdentity supervisor = ProcessIdentity.of((int) parent.pid());
            CompletableFuture<ExitResult> exit =
                    poller.watch(new SupervisedTask(dir, dir.resolve("exits/zombie"), task, supervisor), List.of());
            await("the task to end").atMost(TIMEOUT).until(() -> !task.isRunning());

            // many rounds pass while it is a zombie: still waiting for its status
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> !exit.isDone());

            parent.destroyForcibly().waitFor();
            ExitResult result = exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.successful()).isFalse();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    /** A sleeping task watched with one stdout log of two {@link #BLOCK}-sized files, which holds {@code written}. */
    private RotatingLogFile watchSleeperLoggingTo(ProcessPoller poller, String name, String written) throws Exception {
        SupervisedTask task = tasks.launch(tasks.spec(List.of("sleep", "60")));
        RotatingLogFile log = RotatingLogFile.open(
                dir,
                name,
                LogStream.STDOUT,
                LogConfig.builder().maxFiles(2).maxFileSizeBytes(BLOCK).build());
        Files.writeString(log.currentFile(), written);
        poller.watch(task, List.of(log));
        return log;
    }

    private ProcessPoller poller(Duration exitInterval, Duration housekeeping, int logChecks, int livenessChecks) {
        ProcessPoller poller = new ProcessPoller(exitInterval, housekeeping, logChecks, livenessChecks);
        pollers.add(poller);
        return poller;
    }
}
