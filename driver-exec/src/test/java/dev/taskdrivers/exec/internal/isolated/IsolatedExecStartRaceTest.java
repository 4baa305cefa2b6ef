package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Start against a task that ends at once: the task's own exit is never mistaken for a failed setup, and a failed
 * setup still fails start.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolatedExecStartRaceTest {
    private static final int TASKS = 200;
    private static final int PARALLEL = 4;
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @TempDir
    static Path tempDir;

    private Driver driver;

    @BeforeAll
    void createDriver() {
        IsolationHost.require();
        driver = new IsolatedExecDriverFactory().create(new DriverContext(Map.of(), tempDir.resolve("data")));
    }

    @AfterAll
    void nothingOfOursIsLeft() throws Exception {
        if (driver != null) {
            driver.close();
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tempDir.toString());
        assertThat(cgroupsNamed("race")).as("task cgroups left").isEmpty();
    }

    @Test
    void everyTaskThatExitsAtOnceStartsAndReportsItsOwnExitCode() throws Exception {
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                runs.add(pool.submit(() -> outcomes.add(startAndWait())));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).hasSize(TASKS);
        assertThat(outcomes.stream()
                        .filter(outcome -> !outcome.equals("exit code 3"))
                        .toList())
                .as("tasks of %d that did not start and exit with code 3", TASKS)
                .isEmpty();
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aFailedSetupStillFailsStartWithTheSetupsError(boolean forkServer) throws Exception {
        // the kernel refuses to bind a mount namespace's own file inside it (a loop), so the setup's mount fails
        Driver failingSetup = new IsolatedExecDriverFactory()
                .create(new DriverContext(
                        Map.of("chroot_env", Map.of("/proc/self/ns/mnt", "/mnt-ns"), "fork_server", forkServer),
                        tempDir.resolve("failing-" + forkServer)));
        try {
            TaskConfig task = prestarted(failingSetup);

            if (forkServer) {
                assertThatThrownBy(() -> startAndCleanUp(failingSetup, task))
                        .isInstanceOf(DriverException.class)
                        .hasMessageContaining("cannot isolate task")
                        .hasMessageContaining("cannot mount")
                        .hasMessageContaining("/mnt-ns");
            } else {
                assertThatThrownBy(() -> startAndCleanUp(failingSetup, task))
                        .isInstanceOf(DriverException.class)
                        .hasMessageContaining("ended before it was ready")
                        .hasMessageContaining("exit code 125")
                        .hasMessageContaining("task setup failed")
                        .hasMessageContaining("/mnt-ns");
            }

            assertThat(cgroupsNamed(task.id().allocId()))
                    .as("cgroups of the failed task")
                    .isEmpty();
            // the fork server mounts every task's root on one shared directory; a shell supervisor makes one per task
            assertThat(tempDir.resolve("failing-" + forkServer + (forkServer ? "/root" : "/roots")))
                    .isEmptyDirectory();
        } finally {
            failingSetup.close();
        }
    }

    /** Starts {@code sh -c 'exit 3'} and describes how it went: its exit, or why start failed. */
    private String startAndWait() throws Exception {
        TaskConfig task = prestarted(driver);
        StartResult started;
        try {
            started = driver.start(task, EventEmitter.NONE);
        } catch (DriverException e) {
            return "start failed: " + e.getMessage();
        }
        try {
            ExitResult exit = started.handle().exitFuture().get(30, TimeUnit.SECONDS);
            return exit.signal() != 0 ? "signal " + exit.signal() : "exit code " + exit.exitCode();
        } finally {
            started.handle().close();
            driver.cleanup(task, started.created());
        }
    }

    /** Starts the task and, should it start after all, removes it again. */
    private static void startAndCleanUp(Driver target, TaskConfig task) throws Exception {
        StartResult started = target.start(task, EventEmitter.NONE);
        started.handle().stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
        started.handle().close();
        target.cleanup(task, started.created());
    }

    /** The task cgroups below the driver's parent, in every hierarchy (v1 and v2), whose names start so. */
    private static List<Path> cgroupsNamed(String prefix) throws java.io.IOException {
        List<Path> parents = new ArrayList<>(List.of(CGROUPS.resolve("taskdrivers")));
        try (var hierarchies = Files.list(CGROUPS)) {
            hierarchies.map(h -> h.resolve("taskdrivers")).forEach(parents::add);
        }
        List<Path> found = new ArrayList<>();
        for (Path parent : parents) {
            if (Files.isDirectory(parent)) {
                try (var children = Files.list(parent)) {
                    children.filter(c -> Files.isDirectory(c)
                                    && c.getFileName().toString().startsWith(prefix))
                            .forEach(found::add);
                }
            }
        }
        return found;
    }

    private TaskConfig prestarted(Driver target) {
        TaskId id = new TaskId("race" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            Files.createDirectories(dirs.allocDir());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, Resources.DEFAULT_MEMORY_MB, List.of());
        TaskConfig task = new TaskConfig(
                id,
                Map.of("command", "/bin/sh", "args", List.of("-c", "exit 3")),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                null,
                null);
        PrestartResult prestart = target.prestart(task, EventEmitter.NONE);
        return task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
    }
}
