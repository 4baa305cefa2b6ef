package dev.taskdrivers.bench;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Start latency of an isolated exec task (cgroup, namespaces, chroot mounts) against raw_exec starting the same
 * command; of exec with a chroot_env whose trees hold ten times the files and bytes against the same chroot_env
 * with smaller trees (nothing is copied, so this must not grow); and, for context, of a chroot_env of ten times as
 * many paths; and of exec dropping the task's bounding set to Nomad's default capabilities against a task that keeps
 * every one (the operator allowing all, the task adding all: the same start with nothing dropped; {@code
 * no_new_privs} is set in both). Runs alternate so every side sees the same machine load.
 */
public final class ExecIsolatedStartBenchmark implements Benchmark {
    /**
     * Enough starts for the JIT to compile the drivers' start paths before anything is measured: the figures are
     * those of a driver that keeps starting tasks, as in the runner-start benchmark's steady state.
     */
    private static final int WARMUP = Integer.getInteger("exec-isolated-start.warmup", 200);

    private static final int RUNS = 40;
    private static final List<String> DEFAULT_ENV =
            List.of("/bin", "/etc", "/lib", "/lib32", "/lib64", "/sbin", "/usr");
    /** The smaller data tree: files of {@link #FILE_BYTES} each; the larger one holds ten times as many. */
    private static final int SMALL_FILES = 60;

    private static final int FILE_BYTES = 16 * 1024;

    /** A task config's addition that keeps every capability, where its driver allows all. */
    private static final Map<String, Object> KEEP_ALL = Map.of("cap_add", List.of("all"));

    @Override
    public String name() {
        return "exec-isolated-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path work = Files.createTempDirectory("exec-bench");
        List<Driver> drivers = new ArrayList<>();
        try {
            Path smallTree = dataTree(work.resolve("tree-small"), SMALL_FILES);
            Path largeTree = dataTree(work.resolve("tree-large"), SMALL_FILES * 10);
            Driver raw = add(drivers, factory("raw_exec").create(DriverContext.of(work.resolve("raw"))));
            Driver isolated = add(drivers, factory("exec").create(DriverContext.of(work.resolve("exec"))));
            Driver small = add(drivers, exec(work.resolve("small"), withData(smallTree)));
            Driver large = add(drivers, exec(work.resolve("large"), withData(largeTree)));
            Map<String, String> manyPaths = manyPaths();
            Driver many = add(drivers, exec(work.resolve("many"), manyPaths));
            Driver allCaps = add(
                    drivers,
                    factory("exec")
                            .create(new DriverContext(Map.of("allow_caps", List.of("all")), work.resolve("caps"))));
            List<Driver> order = List.of(raw, isolated, small, large, many, allCaps);
            List<List<Long>> times = new ArrayList<>();
            order.forEach(d -> times.add(new ArrayList<>()));
            for (int i = -WARMUP; i < RUNS; i++) {
                for (int d = 0; d < order.size(); d++) {
                    Driver driver = order.get(d);
                    long took = startOnce(driver, work, driver == allCaps ? KEEP_ALL : Map.of());
                    if (i >= 0) {
                        times.get(d).add(took);
                    }
                }
            }
            double rawMs = median(times.get(0));
            double isoMs = median(times.get(1));
            double smallMs = median(times.get(2));
            double largeMs = median(times.get(3));
            double manyMs = median(times.get(4));
            double allCapsMs = median(times.get(5));
            double capsRatio = isoMs / allCapsMs;
            double ratio = isoMs / rawMs;
            double growth = largeMs / smallMs;
            double pathsGrowth = manyMs / isoMs;
            return List.of(
                    new Figure(
                            name(),
                            "isolated exec start / raw_exec start, same command (median)",
                            ratio,
                            "x",
                            "<= 3x",
                            ratio <= 3.0,
                            String.format(
                                    Locale.ROOT,
                                    "exec %.2f ms, raw_exec %.2f ms, %d runs after %d warm-up rounds",
                                    isoMs,
                                    rawMs,
                                    RUNS,
                                    WARMUP)),
                    new Figure(
                            name(),
                            "start with chroot_env trees 10x the files and bytes / 1x (median)",
                            growth,
                            "x",
                            "<= 1.2x",
                            growth <= 1.2,
                            String.format(
                                    Locale.ROOT,
                                    "%d files of %d KiB %.1f ms, %d files %.1f ms",
                                    SMALL_FILES * 10,
                                    FILE_BYTES / 1024,
                                    largeMs,
                                    SMALL_FILES,
                                    smallMs)),
                    new Figure(
                            name(),
                            "start with 10x the chroot_env paths / the default paths (median)",
                            pathsGrowth,
                            "x",
                            "",
                            true,
                            String.format(
                                    Locale.ROOT,
                                    "%d paths %.1f ms, default paths %.1f ms (one bind mount per path)",
                                    manyPaths.size(),
                                    manyMs,
                                    isoMs)),
                    new Figure(
                            name(),
                            "start dropping the bounding set to the default capabilities / keeping every one (median)",
                            capsRatio,
                            "x",
                            "<= 1.05x",
                            capsRatio <= 1.05,
                            String.format(
                                    Locale.ROOT,
                                    "default set %.2f ms, every capability %.2f ms; no_new_privs in both",
                                    isoMs,
                                    allCapsMs)));
        } finally {
            drivers.forEach(Driver::close);
            RawExecBenchTasks.deleteTree(work);
        }
    }

    private static Driver add(List<Driver> drivers, Driver driver) {
        drivers.add(driver);
        return driver;
    }

    private static Driver exec(Path dataDir, Map<String, String> chrootEnv) {
        return factory("exec").create(new DriverContext(Map.of("chroot_env", chrootEnv), dataDir));
    }

    /** The default chroot_env plus {@code tree} at {@code /data}. */
    private static Map<String, String> withData(Path tree) {
        Map<String, String> env = new LinkedHashMap<>();
        DEFAULT_ENV.forEach(p -> env.put(p, p));
        env.put(tree.toString(), "/data");
        return env;
    }

    /** A directory of {@code files} files of {@link #FILE_BYTES} bytes each, in subdirectories of 20. */
    private static Path dataTree(Path dir, int files) throws IOException {
        byte[] content = new byte[FILE_BYTES];
        java.util.Arrays.fill(content, (byte) 'x');
        for (int i = 0; i < files; i++) {
            Path sub = Files.createDirectories(dir.resolve("d" + i / 20));
            Files.write(sub.resolve("f" + i), content);
        }
        return dir;
    }

    /**
     * Starts {@code sleep 600} with {@code extraConfig}, returns how long start took in nanoseconds, then stops and
     * cleans it up.
     */
    private static long startOnce(Driver driver, Path work, Map<String, Object> extraConfig) throws Exception {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "bench", "group", 0, "task");
        TaskDirs dirs = TaskDirs.standard(work.resolve("allocs").resolve(id.allocId()), "task");
        Files.createDirectories(dirs.localDir());
        Files.createDirectories(dirs.secretsDir());
        Files.createDirectories(dirs.logsDir());
        Resources resources = Resources.defaults();
        TaskConfig task = new TaskConfig(
                id,
                config(extraConfig),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                TaskConfig.DEFAULT_KILL_TIMEOUT,
                TaskConfig.DEFAULT_KILL_SIGNAL);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id)
                .taskEnv(task.env())
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
        long begin = System.nanoTime();
        StartResult started = driver.start(ready, EventEmitter.NONE);
        long took = System.nanoTime() - begin;
        started.handle().stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
        started.handle().close();
        CreatedResources created = prestart.created().merge(started.created());
        driver.cleanup(ready, created);
        return took;
    }

    private static Map<String, Object> config(Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of("command", "/bin/sleep", "args", List.of("600")));
        config.putAll(extra);
        return config;
    }

    /** Ten times the default number of paths: the defaults plus directories of /usr/share under /extra. */
    private static Map<String, String> manyPaths() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        DEFAULT_ENV.forEach(p -> env.put(p, p));
        try (Stream<Path> dirs = Files.list(Path.of("/usr/share"))) {
            dirs.filter(Files::isDirectory)
                    .sorted()
                    .limit(DEFAULT_ENV.size() * 10L - DEFAULT_ENV.size())
                    .forEach(d -> env.put(d.toString(), "/extra/" + d.getFileName()));
        }
        return env;
    }

    private static DriverFactory factory(String name) {
        return ServiceLoader.load(DriverFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no driver " + name + " on the class path"));
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
