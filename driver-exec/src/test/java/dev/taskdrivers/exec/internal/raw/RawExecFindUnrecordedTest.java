package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner that dies between a task's start and the write of its handle: a new driver on the same data directory
 * finds the task by its id, watches it with its real exit status and stops it, instead of leaving it running.
 */
@Tag("real")
class RawExecFindUnrecordedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * Says it runs (its environment is its own from its exec on), runs until the test drops a trigger file into the
     * allocation directory, then exits with 7.
     */
    private static final Map<String, Object> UNTIL_TRIGGER = RawExecFixture.sh(": > \"$NOMAD_ALLOC_DIR/running\";"
            + " while [ ! -f \"$NOMAD_ALLOC_DIR/trigger\" ]; do sleep 0.05; done; exit 7");

    @TempDir
    Path root;

    @Test
    void aStartWhoseHandleWasNeverRecordedIsFoundWithItsExitStatus() throws Exception {
        try (RawExecFixture fixture = new RawExecFixture(root)) {
            TaskConfig task = fixture.task("web", UNTIL_TRIGGER);
            TaskHandle lost = fixture.start(fixture.driver(), task); // its runner dies before recording it
            awaitRunning(task);
            HandleState started = lost.state();

            Driver next = fixture.driver();
            Optional<TaskHandle> found = next.findUnrecorded(task, EventEmitter.NONE);

            assertThat(found).isPresent();
            fixture.replace(lost, next, found.get());
            HandleState state = found.get().state();
            assertThat(state.require("pid")).isEqualTo(started.require("pid"));
            assertThat(state.require("pid_start")).isEqualTo(started.require("pid_start"));
            assertThat(state.require("exit_file")).isEqualTo(started.require("exit_file"));
            assertThat(state.require("supervisor_pid")).isEqualTo(started.require("supervisor_pid"));
            // the cgroup the task joined, where the runner makes them
            assertThat(state.data().get(RawExecHandle.CGROUP))
                    .isEqualTo(started.data().get(RawExecHandle.CGROUP));
            assertThat(found.get().exitFuture()).isNotDone();

            Files.writeString(task.dirs().allocDir().resolve("trigger"), "go");
            ExitResult result = found.get().exitFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.exitCode()).isEqualTo(7);
            assertThat(result.signal()).isZero();
        }
    }

    @Test
    void stoppingTheFoundTaskEndsItsProcess() throws Exception {
        try (RawExecFixture fixture = new RawExecFixture(root)) {
            TaskConfig task = fixture.task("web", UNTIL_TRIGGER);
            TaskHandle lost = fixture.start(fixture.driver(), task);
            awaitRunning(task);
            ProcessIdentity process = identity(lost.state());

            Driver next = fixture.driver();
            TaskHandle found = next.findUnrecorded(task, EventEmitter.NONE).orElseThrow();
            fixture.replace(lost, next, found);
            ExitResult result = found.stop(Duration.ofSeconds(5), "SIGTERM").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(result.signal()).isEqualTo(15);
            assertThat(process.isRunning()).isFalse();
            assertThat(next.findUnrecorded(task, EventEmitter.NONE)).isEmpty();
        }
    }

    @Test
    void aTaskWhoseSupervisorIsGoneIsStillWatchedAndStopped() throws Exception {
        try (RawExecFixture fixture = new RawExecFixture(root)) {
            TaskConfig task = fixture.task("web", UNTIL_TRIGGER);
            Driver first = fixture.driver();
            TaskHandle lost = fixture.start(first, task);
            awaitRunning(task);
            ProcessIdentity process = identity(lost.state());
            ProcessIdentity supervisor = new ProcessIdentity(
                    Integer.parseInt(lost.state().require("supervisor_pid")),
                    Long.parseLong(lost.state().require("supervisor_start")));
            first.close();
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(supervisor.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            await().atMost(WAIT).until(() -> !supervisor.isRunning());

            Driver next = fixture.driver();
            TaskHandle found = next.findUnrecorded(task, EventEmitter.NONE).orElseThrow();
            fixture.replace(lost, next, found);

            assertThat(identity(found.state())).isEqualTo(process);
            assertThat(found.exitFuture()).isNotDone();
            found.stop(Duration.ofSeconds(5), "SIGTERM").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(process.isRunning()).isFalse();
        }
    }

    @Test
    void findsNothingForATaskItNeverStartedOrThatEnded() throws Exception {
        try (RawExecFixture fixture = new RawExecFixture(root)) {
            Driver driver = fixture.driver();
            assertThat(driver.findUnrecorded(fixture.task("never", UNTIL_TRIGGER), EventEmitter.NONE))
                    .isEmpty();

            TaskConfig ended = fixture.task("ended", RawExecFixture.sh("exit 0"));
            TaskHandle h = fixture.start(driver, ended);
            h.exitFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(driver.findUnrecorded(ended, EventEmitter.NONE)).isEmpty();
        }
    }

    @Test
    void cleanupRemovesTheFilesOfStartsItWasNotTold() throws Exception {
        try (RawExecFixture fixture = new RawExecFixture(root)) {
            Driver driver = fixture.driver();
            TaskConfig task = fixture.task("ended", RawExecFixture.sh("exit 0"));
            TaskHandle h = fixture.start(driver, task);
            h.exitFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Path stateDir = Path.of(h.state().require("state_dir"));
            Path exitFile = Path.of(h.state().require("exit_file"));
            String cgroup = h.state().data().get(RawExecHandle.CGROUP);
            assertThat(stateDir).isDirectory();
            assertThat(exitFile).exists();

            driver.cleanup(task, CreatedResources.empty()); // the runner never learnt what start created

            assertThat(stateDir).doesNotExist();
            assertThat(exitFile).doesNotExist();
            if (cgroup != null) {
                assertThat(Path.of("/sys/fs/cgroup/memory", cgroup)).doesNotExist();
                assertThat(Path.of("/sys/fs/cgroup", cgroup)).doesNotExist();
            }
        }
    }

    private static void awaitRunning(TaskConfig task) {
        await().atMost(WAIT).until(() -> Files.exists(task.dirs().allocDir().resolve("running")));
    }

    private static ProcessIdentity identity(HandleState state) {
        return new ProcessIdentity(Integer.parseInt(state.require("pid")), Long.parseLong(state.require("pid_start")));
    }
}
