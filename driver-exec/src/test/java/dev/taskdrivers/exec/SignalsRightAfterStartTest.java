package dev.taskdrivers.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.tck.HostProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal sent as soon as start returns reaches the task: the task's process is still becoming the task then, and
 * must neither drop the signal nor pass a blocked or ignored signal on to the program it runs.
 */
@Tag("real")
public abstract class SignalsRightAfterStartTest {
    private static final String MARKER = "TASKDRIVERS_SIGNALS_TEST_RUN";
    private static final int TASKS = 100;
    private static final int SIGTERM = 15;
    /** Short, so a lost SIGTERM costs little; a delivered one ends {@code sleep} long before it. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Signals 1 to 31, those a task can be sent. Not 32 and 33: glibc reserves them, and its posix_spawn, which
     * starts the JVM's children, leaves them ignored in every process the JVM starts.
     */
    private static final long STANDARD_SIGNALS = 0x7fff_ffffL;

    @TempDir
    protected Path tempDir;

    private final String runId = UUID.randomUUID().toString();
    private final List<Started> started = new ArrayList<>();
    private Driver driver;

    protected abstract DriverFactory factory();

    protected abstract void requireEnvironment();

    /** The pid of the process running the task's own program (not a wrapper such as an init). */
    protected abstract int programPid(TaskHandle handle) throws IOException;

    @BeforeEach
    void createDriver() {
        requireEnvironment();
        driver = factory().create(new DriverContext(Map.of(), tempDir.resolve("data")));
    }

    @AfterEach
    void nothingIsLeft() throws Exception {
        for (Started s : started) {
            s.handle.stop(Duration.ZERO, "SIGKILL").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            s.handle.close();
            driver.cleanup(s.task, s.created);
        }
        if (driver != null) {
            driver.close();
        }
        await("no task process left")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(
                        () -> assertThat(HostProcesses.withEnv(MARKER, runId)).isEmpty());
    }

    @Test
    void everyTaskStoppedRightAfterStartEndsByTheStopSignal() throws Exception {
        List<CompletableFuture<ExitResult>> stops = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            stops.add(start(Map.of("command", "sleep", "args", List.of("600"))).stop(KILL_TIMEOUT, "SIGTERM"));
        }
        List<String> notEndedBySigterm = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            ExitResult result = stops.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (result.signal() != SIGTERM) {
                notEndedBySigterm.add("task " + i + ": " + result);
            }
        }
        assertThat(notEndedBySigterm)
                .as("tasks of %d stopped with SIGTERM right after start", TASKS)
                .isEmpty();
    }

    @Test
    void theTaskStartsWithNoSignalBlockedOrIgnored() throws Exception {
        TaskHandle handle = start(Map.of("command", "sleep", "args", List.of("600")));
        await("the task to run sleep")
                .atMost(TIMEOUT)
                .ignoreExceptions()
                .until(() -> comm(programPid(handle)).equals("sleep"));
        int pid = programPid(handle);
        assertThat(statusMask(pid, "SigBlk") & STANDARD_SIGNALS)
                .as("signals blocked by the task (%d)", pid)
                .isZero();
        assertThat(statusMask(pid, "SigIgn") & STANDARD_SIGNALS)
                .as("signals ignored by the task (%d)", pid)
                .isZero();
    }

    private TaskHandle start(Map<String, Object> config) throws IOException {
        TaskId id = new TaskId("sig" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        Files.createDirectories(dirs.allocDir());
        Resources resources = Resources.defaults();
        Map<String, String> env = Map.of(MARKER, runId);
        TaskConfig task = new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id)
                        .dirs(dirs)
                        .resources(resources)
                        .taskEnv(env)
                        .build(),
                resources,
                dirs,
                null,
                null,
                null);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .taskEnv(env)
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, EventEmitter.NONE);
        started.add(new Started(ready, result.handle(), prestart.created().merge(result.created())));
        return result.handle();
    }

    private static String comm(int pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
    }

    private static long statusMask(int pid, String name) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(name + ":"))
                .findFirst()
                .orElseThrow();
        return Long.parseUnsignedLong(line.substring(name.length() + 1).strip(), 16);
    }

    private record Started(TaskConfig task, TaskHandle handle, CreatedResources created) {}
}
