package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.exec.internal.process.ForkServerLauncher;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner JVM starts tasks and is killed with SIGKILL; the tasks and their supervisor (one fork server) keep
 * running, and a new driver recovers them and reports their real exit codes (above 128, never mistaken for signals),
 * for tasks that end after the recovery and for tasks that ended while no runner was there.
 */
@Tag("real")
class RunnerCrashRecoveryTest {
    private static final int TASKS = 6;

    @TempDir
    Path root;

    @Test
    void tasksSurviveTheRunnerBeingKilledAndReportTheirRealExitCodes() throws Exception {
        RawExecFixture fixture = new RawExecFixture(root);
        String marker = fixture.runId;
        Process runner = startRunner(marker);
        try {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).as("runner output").isEqualTo("READY");
            }
            runner.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(runner.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runner.exitValue()).isEqualTo(137);

            Properties states = new Properties();
            try (Reader in = Files.newBufferedReader(root.resolve("states.properties"))) {
                states.load(in);
            }
            List<TaskConfig> tasks = new ArrayList<>();
            Set<ProcessIdentity> supervisors = new HashSet<>();
            for (int i = 0; i < TASKS; i++) {
                TaskConfig task = CrashingRunnerMain.task(root, i, marker);
                tasks.add(task);
                HandleState state = CrashingRunnerMain.state(states, task);
                assertThat(new ProcessIdentity(
                                        Integer.parseInt(state.require("pid")),
                                        Long.parseLong(state.require("pid_start")))
                                .isRunning())
                        .as("task %s alive", i)
                        .isTrue();
                supervisors.add(new ProcessIdentity(
                        Integer.parseInt(state.require("supervisor_pid")),
                        Long.parseLong(state.require("supervisor_start"))));
            }
            if (ForkServerLauncher.findPerl().isPresent()) {
                assertThat(supervisors).as("one fork server for all tasks").hasSize(1);
            }
            assertThat(supervisors).as("supervisors outlive the runner").allMatch(ProcessIdentity::isRunning);
            // half of the tasks end while no runner watches
            for (int i = 0; i < TASKS / 2; i++) {
                Files.writeString(tasks.get(i).dirs().allocDir().resolve("trigger"), "go");
            }
            for (int i = 0; i < TASKS / 2; i++) {
                Path exitFile =
                        Path.of(CrashingRunnerMain.state(states, tasks.get(i)).require("exit_file"));
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(exitFile));
            }

            Driver driver = fixture.driver();
            List<TaskHandle> handles = new ArrayList<>();
            for (TaskConfig task : tasks) {
                handles.add(driver.recover(task, CrashingRunnerMain.state(states, task), EventEmitter.NONE));
            }
            for (int i = TASKS / 2; i < TASKS; i++) {
                assertThat(handles.get(i).exitFuture())
                        .as("task %s still running", i)
                        .isNotDone();
                Files.writeString(tasks.get(i).dirs().allocDir().resolve("trigger"), "go");
            }
            for (int i = 0; i < TASKS; i++) {
                ExitResult result = handles.get(i).exitFuture().get(10, TimeUnit.SECONDS);
                assertThat(result.exitCode()).as("exit code of task %s", i).isEqualTo(CrashingRunnerMain.exitCode(i));
                assertThat(result.signal()).as("signal of task %s", i).isZero();
            }
            await("supervisors to end after the last task")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> supervisors.stream().noneMatch(ProcessIdentity::isRunning));
            for (int i = 0; i < TASKS; i++) {
                HandleState state = handles.get(i).state();
                driver.cleanup(
                        tasks.get(i),
                        dev.taskdrivers.api.CreatedResources.empty()
                                .with(RawExecDriver.STATE_DIRS, state.require("state_dir"))
                                .with(RawExecDriver.EXIT_FILES, state.require("exit_file")));
                assertThat(Path.of(state.require("state_dir"))).doesNotExist();
                assertThat(Path.of(state.require("exit_file"))).doesNotExist();
                // a recovered task keeps its cgroup, named like its state directory, which cleanup removes
                String cgroup = state.data().get(RawExecHandle.CGROUP);
                if (cgroup != null) {
                    assertThat(cgroup)
                            .endsWith("/" + Path.of(state.require("state_dir")).getFileName());
                    assertThat(Path.of("/sys/fs/cgroup/memory", cgroup)).doesNotExist();
                    assertThat(Path.of("/sys/fs/cgroup", cgroup)).doesNotExist();
                }
            }
        } finally {
            runner.destroyForcibly();
            fixture.close();
        }
    }

    private Process startRunner(String marker) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        classpath,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        CrashingRunnerMain.class.getName(),
                        root.toString(),
                        Integer.toString(TASKS),
                        marker)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
