package dev.taskdrivers.bench;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds raw_exec tasks for the raw_exec benchmarks. */
final class RawExecBenchTasks {
    private RawExecBenchTasks() {}

    static TaskConfig task(Path root, String name, List<String> argv) throws IOException {
        TaskId id = new TaskId(name, "bench", "group", 0, "task");
        TaskDirs dirs = TaskDirs.standard(root.resolve(name), "task");
        Files.createDirectories(dirs.localDir());
        Files.createDirectories(dirs.logsDir());
        Map<String, Object> config = Map.of("command", argv.get(0), "args", argv.subList(1, argv.size()));
        return new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id).dirs(dirs).build(),
                Resources.defaults(),
                dirs,
                null,
                TaskConfig.DEFAULT_KILL_TIMEOUT,
                TaskConfig.DEFAULT_KILL_SIGNAL);
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
