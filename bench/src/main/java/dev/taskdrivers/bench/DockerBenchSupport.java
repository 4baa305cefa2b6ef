package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.docker.DockerDriverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Shared pieces of the docker benchmarks: the driver, tasks, and the test registry's credentials. */
final class DockerBenchSupport {
    static final String LOCAL_IMAGE = "taskdrivers-test/busybox:1";
    static final Path RUN_DIR = Path.of(System.getenv().getOrDefault("SDK_RUN_DIR", "/var/lib/taskdrivers-test"));

    private DockerBenchSupport() {}

    static Driver driver(Path dataDir) {
        return driver(dataDir, "unix:///var/run/docker.sock");
    }

    /** A driver talking to the engine at {@code endpoint}; images stay (the test image is shared). */
    static Driver driver(Path dataDir, String endpoint) {
        return new DockerDriverFactory()
                .create(new DriverContext(Map.of("image_gc", Map.of("enabled", false), "endpoint", endpoint), dataDir));
    }

    static TaskConfig task(Path root, String name, Map<String, Object> config) throws IOException {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "bench", "group", 0, name);
        TaskDirs dirs = TaskDirs.standard(root.resolve(id.allocId()), name);
        for (Path p : List.of(dirs.allocDir(), dirs.localDir(), dirs.secretsDir(), dirs.logsDir())) {
            Files.createDirectories(p);
        }
        return new TaskConfig(
                id,
                config,
                Map.of(),
                Resources.defaults(),
                dirs,
                null,
                TaskConfig.DEFAULT_KILL_TIMEOUT,
                TaskConfig.DEFAULT_KILL_SIGNAL);
    }

    /** Prestart, final environment, start: what a runner does. */
    static Started start(Driver driver, TaskConfig task) {
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig withEnv = task.withEnv(TaskEnvironment.builder(task.id())
                .dirs(task.dirs())
                .resources(task.resources())
                .portMap(prestart.portMap())
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(withEnv, EventEmitter.NONE);
        return new Started(withEnv, prestart, result);
    }

    record Started(TaskConfig task, PrestartResult prestart, StartResult result) {
        void stopAndCleanup(Driver driver) throws Exception {
            result.handle().stop(java.time.Duration.ZERO, "SIGKILL").get();
            result.handle().close();
            driver.cleanup(task, prestart.created().merge(result.created()));
        }
    }

    static Map<String, Object> registryAuth() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(RUN_DIR.resolve("registry/credentials"))) {
            p.load(in);
        }
        return Map.of("username", p.getProperty("username"), "password", p.getProperty("password"));
    }

    static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    static String ms(double nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
