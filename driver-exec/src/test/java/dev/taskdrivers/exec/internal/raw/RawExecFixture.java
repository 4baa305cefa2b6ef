package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.tck.HostProcesses;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Builds raw_exec tasks for tests, tracks what they start and proves at the end that nothing of theirs is left:
 * every task carries a marker variable, and no host process may carry it after {@link #close()}.
 */
final class RawExecFixture implements AutoCloseable {
    static final String MARKER = "TASKDRIVERS_EXEC_TEST_RUN";

    final String runId = UUID.randomUUID().toString();
    final Path root;
    final Path dataDir;
    private final List<Driver> drivers = new ArrayList<>();
    private final List<Started> started = new ArrayList<>();

    RawExecFixture(Path root) throws IOException {
        RealEnvironment.require(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid (util-linux)");
        this.root = root;
        this.dataDir = Files.createDirectories(root.resolve("data"));
    }

    Driver driver() {
        return driver(Map.of());
    }

    Driver driver(Map<String, Object> options) {
        return driver(options, dataDir);
    }

    Driver driver(Map<String, Object> options, Path dataDir) {
        Driver driver = new RawExecDriverFactory().create(new DriverContext(options, dataDir));
        drivers.add(driver);
        return driver;
    }

    TaskConfig task(String taskName, Map<String, Object> config) {
        return task(taskName, config, Map.of());
    }

    TaskConfig task(String taskName, Map<String, Object> config, Map<String, String> extraEnv) {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, taskName);
        TaskDirs dirs = TaskDirs.standard(root.resolve("allocs").resolve(id.allocId()), taskName);
        try {
            for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
                Files.createDirectories(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put(MARKER, runId);
        return new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id).dirs(dirs).taskEnv(env).build(),
                Resources.defaults(),
                dirs,
                null,
                Duration.ofSeconds(5),
                null);
    }

    /** The same task, run as {@code user}. */
    static TaskConfig as(String user, TaskConfig task) {
        return new TaskConfig(
                task.id(),
                task.driverConfig(),
                task.env(),
                task.resources(),
                task.dirs(),
                user,
                task.killTimeout(),
                task.killSignal());
    }

    static Map<String, Object> sh(String script) {
        return Map.of("command", "/bin/sh", "args", List.of("-c", script));
    }

    TaskHandle start(Driver driver, TaskConfig task) {
        driver.prestart(task, EventEmitter.NONE);
        StartResult result = driver.start(task, EventEmitter.NONE);
        started.add(new Started(driver, task, result.handle(), result.created()));
        return result.handle();
    }

    /** Tracks {@code recovered} (from {@code driver}) instead of the handle it replaces. */
    void replace(TaskHandle old, Driver driver, TaskHandle recovered) {
        for (int i = 0; i < started.size(); i++) {
            Started s = started.get(i);
            if (s.handle == old) {
                started.set(i, new Started(driver, s.task, recovered, s.created));
            }
        }
    }

    CreatedResources created(TaskHandle handle) {
        return started.stream().filter(s -> s.handle == handle).findFirst().orElseThrow().created;
    }

    /** Kills what is still running, cleans up and checks that no process of this fixture is left. */
    @Override
    public void close() throws Exception {
        for (Started s : started) {
            s.handle.stop(Duration.ZERO, "SIGKILL").get(10, TimeUnit.SECONDS);
            s.handle.close();
            s.driver.cleanup(s.task, s.created);
        }
        drivers.forEach(Driver::close);
        await("no process of the test left")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(
                        () -> assertThat(HostProcesses.withEnv(MARKER, runId)).isEmpty());
    }

    private record Started(Driver driver, TaskConfig task, TaskHandle handle, CreatedResources created) {}
}
