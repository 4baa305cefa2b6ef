package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The task's secrets directory: a private 1 MiB tmpfs, noexec, shared by the host and the task, gone at cleanup. */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolatedExecSecretsTest {
    private static final String SCRIPT = "cat /secrets/before; echo; echo from-task > /secrets/written;"
            + " cp /bin/true /secrets/prog; /secrets/prog && echo exec-allowed || echo exec-denied;"
            + " dd if=/dev/zero of=/secrets/big bs=1024 count=2048 2>/dev/null && echo big-fits || echo big-refused;"
            + " rm -f /secrets/big; echo done; exec sleep 600";

    @TempDir
    Path tempDir;

    @BeforeAll
    void requireHost() {
        IsolationHost.require();
    }

    Map<String, Object> driverOptions() {
        return Map.of();
    }

    @Test
    void secretsLiveOnANoexecTmpfsOfOneMebibyteSharedWithTheHostAndUnmountedAtCleanup() throws Exception {
        secretsCase(true);
    }

    /** An empty secrets directory, as most tasks have (through the fork server, its child mounts the tmpfs). */
    @Test
    void anEmptySecretsDirectoryGetsTheSameTmpfs() throws Exception {
        secretsCase(false);
    }

    private void secretsCase(boolean fileBefore) throws Exception {
        Driver driver =
                new IsolatedExecDriverFactory().create(new DriverContext(driverOptions(), tempDir.resolve("data")));
        TaskId id = new TaskId("sec" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        Files.createDirectories(dirs.secretsDir());
        if (fileBefore) {
            // already there before the task's start, as an artifact or a rendered template would be
            Files.writeString(dirs.secretsDir().resolve("before"), "from-artifact");
        }
        Resources resources = Resources.defaults();
        TaskConfig task = new TaskConfig(
                id,
                Map.of("command", "/bin/sh", "args", List.of("-c", SCRIPT)),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                null,
                null);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, EventEmitter.NONE);
        TaskHandle handle = result.handle();
        CreatedResources created = prestart.created().merge(result.created());
        Path secrets = dirs.secretsDir().toAbsolutePath().normalize();
        assertThat(mountLine(secrets))
                .as("host mountinfo")
                .contains(" tmpfs ", "size=1024k", "mode=700")
                .contains("noexec", "nosuid", "nodev");
        if (fileBefore) {
            assertThat(secrets.resolve("before")).hasContent("from-artifact");
        }
        try {
            Path stdout = dirs.logsDir().resolve(id.taskName() + ".stdout.0");
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            Files.exists(stdout) && Files.readString(stdout).contains("done"));
            assertThat(Files.readString(stdout)).contains("exec-denied", "big-refused");
            if (fileBefore) {
                assertThat(Files.readString(stdout)).contains("from-artifact");
            }
            assertThat(secrets.resolve("written"))
                    .as("what the task wrote, seen by the host")
                    .hasContent("from-task\n");

            // written by the host after start, as a re-rendered template would be
            Files.writeString(secrets.resolve("late"), "from-host");
            ExecResult exec = handle.exec(ExecRequest.of(
                    List.of("/bin/sh", "-c", "cat /secrets/late; echo; grep ' /secrets ' /proc/self/mountinfo"),
                    Duration.ofSeconds(10)));
            assertThat(exec.exitCode()).as("exec %s", exec).isZero();
            assertThat(exec.stdout()).contains("from-host").contains("tmpfs").contains("noexec");
        } finally {
            handle.stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
            handle.close();
            driver.cleanup(ready, created);
            driver.close();
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
                .as("nothing mounted is left")
                .doesNotContain(secrets.toString())
                .doesNotContain(tempDir.toString());
    }

    private static String mountLine(Path mountPoint) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(mountPoint.toString()))
                .findFirst()
                .orElse("(not mounted)");
    }
}
