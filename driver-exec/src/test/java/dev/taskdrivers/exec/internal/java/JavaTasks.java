package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Starts java tasks with the probe program in their local directory, and stops and cleans up all of them. */
final class JavaTasks implements AutoCloseable {
    private final Path root;
    private final List<Started> started = new ArrayList<>();
    final List<DriverEvent> events = new CopyOnWriteArrayList<>();
    Driver driver;

    JavaTasks(Path root, Driver driver) {
        this.root = root;
        this.driver = driver;
    }

    record Started(TaskConfig task, TaskHandle handle, CreatedResources created) {
        ExitResult exit() throws Exception {
            return handle.exitFuture().get(60, TimeUnit.SECONDS);
        }

        String stdout() throws IOException {
            return log("stdout");
        }

        String stderr() throws IOException {
            return log("stderr");
        }

        private String log(String stream) throws IOException {
            Path file = task.dirs().logsDir().resolve(task.id().taskName() + "." + stream + ".0");
            return Files.exists(file) ? Files.readString(file) : "";
        }
    }

    /** A task whose local directory holds probe.jar, plain.jar (no Main-Class) and classes/. */
    TaskConfig task(Map<String, Object> config, int memoryMb) {
        return task(config, memoryMb, 0);
    }

    /** Such a task that reserves {@code memoryMb} and may use up to {@code memoryMaxMb} (0: no maximum). */
    TaskConfig task(Map<String, Object> config, int memoryMb, int memoryMaxMb) {
        TaskId id = new TaskId("jv" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "app");
        TaskDirs dirs = TaskDirs.standard(root.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            Files.createDirectories(dirs.allocDir());
            Files.createDirectories(dirs.localDir());
            Files.createDirectories(dirs.secretsDir());
            Path probe = ProbeJars.shared();
            Files.copy(probe.resolve("probe.jar"), dirs.localDir().resolve("probe.jar"));
            Files.copy(probe.resolve("plain.jar"), dirs.localDir().resolve("plain.jar"));
            Path classes = Files.createDirectories(dirs.localDir().resolve("classes/probe"));
            try (var files = Files.list(probe.resolve("classes/probe"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, classes.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Resources resources =
                new Resources(Resources.DEFAULT_CPU_MHZ, memoryMb, List.of()).withMemoryMaxMb(memoryMaxMb);
        return new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                Duration.ofSeconds(5),
                null);
    }

    Started start(Map<String, Object> config) {
        return start(task(config, Resources.DEFAULT_MEMORY_MB));
    }

    Started start(TaskConfig task) {
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(task.id())
                .taskEnv(task.env())
                .dirs(task.dirs())
                .resources(task.resources())
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, events::add);
        Started s = new Started(ready, result.handle(), prestart.created().merge(result.created()));
        started.add(s);
        return s;
    }

    /**
     * Waits until the task's stdout, which ends with {@code lastLine}, is kept as the newest files of its rotation
     * within {@code limits} ({@code max_files} files of at most {@code max_file_size}) after it was rotated more than
     * {@code max_files} times; returns the indexes of the files kept.
     */
    static List<Integer> awaitStdoutKeptWithin(TaskConfig task, LogConfig limits, String lastLine) {
        Path logs = task.dirs().logsDir();
        String prefix = task.id().taskName() + ".stdout.";
        List<Integer> kept = new ArrayList<>();
        // while the task still writes, rotation may delete a file between the listing and its reading: look again
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(java.nio.file.NoSuchFileException.class)
                .untilAsserted(() -> {
                    kept.clear();
                    try (var files = Files.list(logs)) {
                        files.map(f -> f.getFileName().toString())
                                .filter(n -> n.startsWith(prefix)
                                        && n.substring(prefix.length()).matches("\\d+"))
                                .map(n -> Integer.parseInt(n.substring(prefix.length())))
                                .sorted()
                                .forEach(kept::add);
                    }
                    assertThat(kept).as("stdout files kept").hasSizeBetween(1, limits.maxFiles());
                    int newest = kept.get(kept.size() - 1);
                    assertThat(newest).as("rotations").isGreaterThanOrEqualTo(limits.maxFiles());
                    assertThat(kept).as("the newest files").startsWith(newest - kept.size() + 1);
                    for (int index : kept) {
                        assertThat(Files.size(logs.resolve(prefix + index)))
                                .as("size of " + prefix + index)
                                .isPositive()
                                .isLessThanOrEqualTo(limits.maxFileSizeBytes());
                    }
                    assertThat(Files.readString(logs.resolve(prefix + newest))).endsWith(lastLine + "\n");
                });
        return List.copyOf(kept);
    }

    /** Stops and cleans up the task through {@code handle} (e.g. a recovered one) instead of its first handle. */
    Started adopt(Started original, TaskHandle handle) {
        Started s = new Started(original.task(), handle, original.created());
        started.remove(original);
        started.add(s);
        return s;
    }

    @Override
    public void close() throws Exception {
        for (Started s : started) {
            s.handle.stop(Duration.ZERO, "SIGKILL").get(60, TimeUnit.SECONDS);
            s.handle.close();
            driver.cleanup(s.task, s.created);
        }
        started.clear();
        driver.close();
    }
}
