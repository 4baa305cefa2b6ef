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
 * command, and of exec with a chroot_env of ten times as many paths against the default one. Runs alternate so
 * both sides see the same machine load.
 */
public final class ExecIsolatedStartBenchmark implements Benchmark {
    private static final int RUNS = 15;
    private static final List<String> DEFAULT_ENV = List.of("/bin", "/etc", "/lib", "/lib32", "/lib64", "/sbin",
            "/usr");

    @Override
    public String name() {
        return "exec-isolated-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path work = Files.createTempDirectory("exec-bench");
        Driver raw = factory("raw_exec").create(DriverContext.of(work.resolve("raw")));
        Driver isolated = factory("exec").create(DriverContext.of(work.resolve("exec")));
        Map<String, Object> largeOptions = Map.of("chroot_env", largeChrootEnv());
        Driver large = factory("exec").create(new DriverContext(largeOptions, work.resolve("large")));
        try {
            List<Long> rawTimes = new ArrayList<>();
            List<Long> isoTimes = new ArrayList<>();
            List<Long> largeTimes = new ArrayList<>();
            startOnce(raw, work);
            startOnce(isolated, work);
            startOnce(large, work);
            for (int i = 0; i < RUNS; i++) {
                rawTimes.add(startOnce(raw, work));
                isoTimes.add(startOnce(isolated, work));
                largeTimes.add(startOnce(large, work));
            }
            double rawMs = median(rawTimes);
            double isoMs = median(isoTimes);
            double largeMs = median(largeTimes);
            double ratio = isoMs / rawMs;
            double growth = largeMs / isoMs;
            int largeCount = ((Map<?, ?>) largeOptions.get("chroot_env")).size();
            return List.of(
                    new Figure(name(), "isolated exec start / raw_exec start, same command (median)", ratio, "x",
                            "<= 3x", ratio <= 3.0, String.format(Locale.ROOT, "exec %.1f ms, raw_exec %.1f ms, %d runs",
                                    isoMs, rawMs, RUNS)),
                    new Figure(name(), "start with a 10x chroot_env / with the default (median)", growth, "x",
                            "<= 1.2x", growth <= 1.2, String.format(Locale.ROOT,
                                    "%d paths %.1f ms, default paths %.1f ms", largeCount, largeMs, isoMs)));
        } finally {
            raw.close();
            isolated.close();
            large.close();
        }
    }

    /** Starts {@code sleep 600}, returns how long start took in nanoseconds, then stops and cleans it up. */
    private static long startOnce(Driver driver, Path work) throws Exception {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "bench", "group", 0, "task");
        TaskDirs dirs = TaskDirs.standard(work.resolve("allocs").resolve(id.allocId()), "task");
        Files.createDirectories(dirs.localDir());
        Files.createDirectories(dirs.secretsDir());
        Files.createDirectories(dirs.logsDir());
        Resources resources = Resources.defaults();
        TaskConfig task = new TaskConfig(id, Map.of("command", "/bin/sleep", "args", List.of("600")),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(), resources, dirs, null, null,
                null);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id).taskEnv(task.env()).dirs(dirs).resources(resources)
                .overrides(prestart.envOverrides()).build());
        long begin = System.nanoTime();
        StartResult started = driver.start(ready, EventEmitter.NONE);
        long took = System.nanoTime() - begin;
        started.handle().stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
        started.handle().close();
        CreatedResources created = prestart.created().merge(started.created());
        driver.cleanup(ready, created);
        return took;
    }

    /** Ten times the default number of paths: the defaults plus directories of /usr/share under /extra. */
    private static Map<String, String> largeChrootEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        DEFAULT_ENV.forEach(p -> env.put(p, p));
        try (Stream<Path> dirs = Files.list(Path.of("/usr/share"))) {
            dirs.filter(Files::isDirectory).sorted().limit(DEFAULT_ENV.size() * 10L - DEFAULT_ENV.size())
                    .forEach(d -> env.put(d.toString(), "/extra/" + d.getFileName()));
        }
        return env;
    }

    private static DriverFactory factory(String name) {
        return ServiceLoader.load(DriverFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no driver " + name + " on the class path"));
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
