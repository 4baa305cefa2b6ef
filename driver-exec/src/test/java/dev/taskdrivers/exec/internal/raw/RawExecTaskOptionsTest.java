package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * raw_exec's {@code work_dir}, {@code oom_score_adj} and the operator's {@code denied_envvars}, read from the host's
 * {@code /proc} of the task, both through the fork server and a shell supervisor.
 */
@Tag("real")
class RawExecTaskOptionsTest {
    @TempDir
    Path tempDir;

    private RawExecFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new RawExecFixture(tempDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void oomScoreAdjIsTheTasksBeforeItsProgramRuns(boolean forkServer) throws Exception {
        Driver driver = fixture.driver(Map.of("fork_server", forkServer));
        TaskHandle handle = fixture.start(
                driver, fixture.task("oom", Map.of("command", "sleep", "args", List.of("600"), "oom_score_adj", 700L)));
        Path proc = Path.of("/proc", handle.state().data().get("pid"));
        // the leader's own program, not a wrapper that is still running
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(proc.resolve("comm")).strip().equals("sleep"));
        assertThat(Files.readString(proc.resolve("oom_score_adj")).strip()).isEqualTo("700");
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void deniedVariablesReachNeitherTheTaskNorItsExecs(boolean forkServer) throws Exception {
        Driver driver = fixture.driver(
                Map.of("fork_server", forkServer, "denied_envvars", List.of("AWS_*", "*_TOKEN", "EXACT", "NOMAD_*")));
        TaskConfig task = fixture.task(
                "env",
                Map.of("command", "sleep", "args", List.of("600")),
                Map.of(
                        "AWS_SECRET_ACCESS_KEY",
                        "s1",
                        "VAULT_TOKEN",
                        "s2",
                        "EXACT",
                        "s3",
                        "EXACTLY",
                        "kept",
                        "OTHER",
                        "kept"));
        TaskHandle handle = fixture.start(driver, task);
        Path environ = Path.of("/proc", handle.state().data().get("pid"), "environ");
        await().atMost(Duration.ofSeconds(10)).until(() -> names(environ).contains("OTHER"));
        assertThat(names(environ))
                .contains("OTHER", "EXACTLY", TaskEnvironment.ALLOC_ID, TaskEnvironment.TASK_NAME)
                .doesNotContain("AWS_SECRET_ACCESS_KEY", "VAULT_TOKEN", "EXACT", TaskEnvironment.ALLOC_DIR);
        ExecResult exec = handle.exec(ExecRequest.of(List.of("/usr/bin/env"), Duration.ofSeconds(10)));
        assertThat(exec.stdout()).contains("OTHER=kept").doesNotContain("s1", "s2", "s3", "AWS_", "VAULT_TOKEN");
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void theTaskAndItsExecsRunInItsWorkDir(boolean forkServer) throws Exception {
        Path work = Files.createDirectories(tempDir.resolve("work dir"));
        Driver driver = fixture.driver(Map.of("fork_server", forkServer));
        TaskConfig task = fixture.task(
                "wd",
                Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of("-c", "pwd; exec sleep 600"),
                        "work_dir",
                        work.toString()));
        TaskHandle handle = fixture.start(driver, task);
        Path stdout = task.dirs().logsDir().resolve("wd.stdout.0");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(stdout) && !Files.readString(stdout).isEmpty());
        assertThat(Files.readString(stdout)).isEqualTo(work + "\n");
        ExecResult exec = handle.exec(ExecRequest.of(List.of("/bin/pwd"), Duration.ofSeconds(10)));
        assertThat(exec.stdout()).isEqualTo(work + "\n");
    }

    @Test
    void aWorkDirWithATrailingSlashIsWhereTheTaskAndItsExecsStart() throws Exception {
        Path work = Files.createDirectories(tempDir.resolve("work"));
        Driver driver = fixture.driver();
        TaskConfig task = fixture.task(
                "slash",
                Map.of("command", "/bin/sh", "args", List.of("-c", "pwd; exec sleep 600"), "work_dir", work + "/"));
        assertThat(driver.validate(task)).isEmpty();
        TaskHandle handle = fixture.start(driver, task);
        Path stdout = task.dirs().logsDir().resolve("slash.stdout.0");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(stdout) && !Files.readString(stdout).isEmpty());
        assertThat(Files.readString(stdout)).isEqualTo(work + "\n");
        ExecResult exec = handle.exec(ExecRequest.of(List.of("/bin/pwd"), Duration.ofSeconds(10)));
        assertThat(exec.stdout()).isEqualTo(work + "\n");
    }

    @Test
    void aWorkDirThatIsNoDirectoryIsRefusedAtStartNamingTheField() {
        Driver driver = fixture.driver();
        TaskConfig task = fixture.task(
                "wd",
                Map.of("command", "true", "work_dir", tempDir.resolve("missing").toString()));
        assertThatThrownBy(() -> fixture.start(driver, task))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("config.work_dir")
                .hasMessageContaining("missing");
    }

    @Test
    void everyBadValueIsReportedAtOnceUnderItsField() {
        Driver driver = fixture.driver();
        List<ValidationProblem> problems = driver.validate(
                fixture.task("bad", Map.of("command", "true", "work_dir", "relative/dir", "oom_score_adj", 1001L)));
        assertThat(problems)
                .extracting(ValidationProblem::field)
                .containsExactlyInAnyOrder("config.work_dir", "config.oom_score_adj");
        assertThat(driver.validate(fixture.task("neg", Map.of("command", "true", "oom_score_adj", -5L))))
                .extracting(ValidationProblem::problem)
                .singleElement()
                .asString()
                .contains("between 0 and 1000");
        assertThatThrownBy(() -> RawExecOptions.read(Map.of("denied_envvars", List.of("OK_*", "", "A=B"))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("raw_exec.denied_envvars[1]")
                .hasMessageContaining("raw_exec.denied_envvars[2]");
    }

    private static List<String> names(Path environ) throws java.io.IOException {
        return Arrays.stream(Files.readString(environ).split("\0"))
                .map(e -> e.substring(0, Math.max(0, e.indexOf('='))))
                .toList();
    }
}
