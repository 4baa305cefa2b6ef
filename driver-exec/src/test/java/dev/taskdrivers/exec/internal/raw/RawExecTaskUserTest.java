package dev.taskdrivers.exec.internal.raw;

import static dev.taskdrivers.exec.internal.raw.RawExecFixture.as;
import static dev.taskdrivers.exec.internal.raw.RawExecFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A raw_exec task naming a {@code user} runs as that user, through either supervisor, and so does exec into it. */
@Tag("real")
class RawExecTaskUserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tempDir;

    private RawExecFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        RealEnvironment.require(TaskUser.runnerUid() == 0, "a runner running as root");
        // the task's user must reach its directories, as below a runner's usual data directory
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixture = new RawExecFixture(tempDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aTaskNamingNobodyRunsAsNobodyWritesItsDirectoryAndExecRunsAsNobodyToo(boolean forkServer) throws Exception {
        TaskUser nobody = TaskUser.resolve("nobody");
        Driver driver = fixture.driver(Map.of("fork_server", forkServer));
        TaskConfig task = as(
                "nobody",
                fixture.task(
                        "unprivileged",
                        sh("id -u; id -g; id -G;"
                                + " echo mine > \"$NOMAD_TASK_DIR/own\" && echo > \"$NOMAD_ALLOC_DIR/shared\" && echo wrote;"
                                + " exec sleep 600")));

        TaskHandle handle = fixture.start(driver, task);

        Path stdout = task.dirs().logsDir().resolve("unprivileged.stdout.0");
        Path stderr = task.dirs().logsDir().resolve("unprivileged.stderr.0");
        await("the task's sleep")
                .atMost(TIMEOUT)
                .until(() -> Files.readString(
                                Path.of("/proc/" + handle.state().data().get("pid") + "/comm"))
                        .strip()
                        .equals("sleep"));
        assertThat(Files.readAllLines(stdout))
                .as("stdout (stderr: %s)", Files.readString(stderr))
                .containsExactly("65534", Integer.toString(nobody.gid()), groups(nobody), "wrote");
        assertThat(uidLine(handle)).as("real, effective, saved and fs uid").isEqualTo("65534 65534 65534 65534");

        ExecResult exec = handle.exec(ExecRequest.of(List.of("sh", "-c", "id -u; id -G"), TIMEOUT));
        assertThat(exec.exitCode()).as("exec stderr: %s", exec.stderr()).isZero();
        assertThat(exec.stdout().lines()).containsExactly("65534", groups(nobody));
    }

    @Test
    void aTaskNamingTheRunnersOwnUserRunsAsIs() throws Exception {
        Driver driver = fixture.driver();
        TaskConfig task = as("root", fixture.task("root", sh("id -u")));

        TaskHandle handle = fixture.start(driver, task);

        assertThat(handle.exitFuture()
                        .get(10, java.util.concurrent.TimeUnit.SECONDS)
                        .successful())
                .isTrue();
        assertThat(Files.readString(task.dirs().logsDir().resolve("root.stdout.0")))
                .isEqualTo("0\n");
    }

    @Test
    void aUserThisHostLacksIsTheNodesProblemOfTheUserFieldAndABadNameTheTasks() {
        Driver driver = fixture.driver();
        TaskConfig task = as("no-such-user-here", fixture.task("ghost", sh("true")));
        TaskConfig badName = as("-x", fixture.task("bad", sh("true")));

        assertThat(driver.validate(task)).as("another host may have the user").isEmpty();
        assertThat(driver.nodeProblems(task)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("user");
            assertThat(p.problem()).isEqualTo("user 'no-such-user-here' does not exist on this host");
        });
        assertThatThrownBy(() -> driver.prestart(task, EventEmitter.NONE))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("user: user 'no-such-user-here' does not exist on this host");
        assertThat(driver.validate(badName))
                .containsExactly(new ValidationProblem("user", "user '-x' is not a valid user name"));
        assertThat(driver.nodeProblems(badName)).isEmpty();
    }

    private static String groups(TaskUser user) {
        return user.groups().stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static String uidLine(TaskHandle handle) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + handle.state().data().get("pid") + "/status")).stream()
                .filter(l -> l.startsWith("Uid:"))
                .findFirst()
                .orElseThrow()
                .substring(4)
                .strip()
                .replaceAll("\\s+", " ");
    }
}
