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
import dev.taskdrivers.exec.java.JavaDriverFactory;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Start of a Java program through the java driver against {@code java -jar} of the same jar by hand, each timed from
 * the start call (or the process launch) to the program's first line of output: a jar compiled here whose main
 * method prints one line. Both write their output to a file that is watched the same way; rounds alternate the
 * driver isolated (its default), the driver without isolation and the command by hand, so all see the same load.
 * The command by hand runs in a session of its own, as the driver's task does (see {@link #inOwnSession}). The task
 * asks for 1024 MHz, which its cgroup turns into the 1024 cpu shares a process started by hand has; with
 * the default 100 MHz an isolated JVM would get a tenth of the weight on a busy machine.
 */
public final class JavaStartBenchmark implements Benchmark {
    private static final int WARMUP = Integer.getInteger("java-start.warmup", 2);
    private static final int ROUNDS = Integer.getInteger("java-start.rounds", 20);
    private static final Duration FIRST_LINE_LIMIT = Duration.ofSeconds(60);
    private static final String MAIN = "bench.Hello";
    /** util-linux setsid, which execs its command in a new session (no fork: a spawned child leads no group). */
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();

    @Override
    public String name() {
        return "java-start";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path work = Files.createTempDirectory("java-start-bench");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Driver isolated = new JavaDriverFactory().create(DriverContext.of(work.resolve("isolated")));
                Driver plain = new JavaDriverFactory()
                        .create(new DriverContext(Map.of("isolation", "none"), work.resolve("plain")))) {
            if (!isolated.fingerprint().isHealthy()) {
                throw new IllegalStateException(
                        "java driver: " + isolated.fingerprint().description());
            }
            Path jar = helloJar(work.resolve("build"));
            String java = isolated.fingerprint().attributes().get("driver.java.home") + "/bin/java";
            List<Long> viaIsolated = new ArrayList<>();
            List<Long> viaPlain = new ArrayList<>();
            List<Long> byHand = new ArrayList<>();
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long hand = byHand(java, jar, work);
                long iso = viaDriver(isolated, jar, work);
                long none = viaDriver(plain, jar, work);
                if (i >= 0) {
                    byHand.add(hand);
                    viaIsolated.add(iso);
                    viaPlain.add(none);
                }
            }
            double handMs = median(byHand);
            double isolatedMs = median(viaIsolated);
            double plainMs = median(viaPlain);
            return List.of(
                    figure(
                            "java driver start (isolated, its default) to the program's first output line / java -jar"
                                    + " by hand in its own session (median)",
                            isolatedMs,
                            handMs),
                    figure(
                            "java driver start (isolation = none) to the program's first output line / java -jar by"
                                    + " hand in its own session (median)",
                            plainMs,
                            handMs));
        } finally {
            deleteTree(work);
        }
    }

    private Figure figure(String what, double driverMs, double handMs) {
        double ratio = driverMs / handMs;
        return new Figure(
                name(),
                what,
                ratio,
                "x",
                "<= 1.1x",
                ratio <= 1.1,
                String.format(
                        Locale.ROOT,
                        "medians over %d rounds: driver %.0f ms, by hand %.0f ms",
                        ROUNDS,
                        driverMs,
                        handMs));
    }

    private static long viaDriver(Driver driver, Path jar, Path work) throws Exception {
        TaskId id = new TaskId(UUID.randomUUID().toString().substring(0, 8), "bench", "g", 0, "hello");
        TaskDirs dirs = TaskDirs.standard(work.resolve("allocs").resolve(id.allocId()), id.taskName());
        Files.createDirectories(dirs.allocDir());
        Files.createDirectories(dirs.localDir());
        Files.createDirectories(dirs.secretsDir());
        Files.copy(jar, dirs.localDir().resolve("hello.jar"));
        // 1024 MHz is 1024 cpu shares, what a process started by hand has: under load both get the same weight
        Resources resources = new Resources(1024, Resources.DEFAULT_MEMORY_MB, List.of());
        TaskConfig task = new TaskConfig(
                id,
                Map.of("jar_path", "local/hello.jar"),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                Duration.ofSeconds(5),
                TaskConfig.DEFAULT_KILL_SIGNAL);
        Path stdout = dirs.logsDir().resolve(id.taskName() + ".stdout.0");
        long begin = System.nanoTime();
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
        StartResult started = driver.start(ready, EventEmitter.NONE);
        try {
            awaitFirstLine(stdout);
            return System.nanoTime() - begin;
        } finally {
            started.handle().exitFuture().get(60, TimeUnit.SECONDS);
            started.handle().close();
            driver.cleanup(ready, prestart.created().merge(started.created()));
        }
    }

    private static long byHand(String java, Path jar, Path work) throws Exception {
        Path stdout = work.resolve("hand-" + UUID.randomUUID() + ".out");
        long begin = System.nanoTime();
        Process p = new ProcessBuilder(inOwnSession(List.of(java, "-jar", jar.toString())))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitFirstLine(stdout);
            return System.nanoTime() - begin;
        } finally {
            p.waitFor(60, TimeUnit.SECONDS);
            Files.deleteIfExists(stdout);
        }
    }

    /**
     * The command run in a session of its own, as the driver runs every task. With the kernel's autogroup scheduling
     * (Debian's default) a session is a scheduling group: a process left in this JVM's session shares one weight with
     * this JVM's threads and its niceness, where the driver's task competes as a group of its own.
     */
    static List<String> inOwnSession(List<String> argv) {
        List<String> command = new ArrayList<>();
        SETSID.ifPresent(setsid -> command.add(setsid.toString()));
        command.addAll(argv);
        return command;
    }

    /** Watches the file until it holds a whole line; both sides are watched alike. */
    private static void awaitFirstLine(Path file) throws IOException {
        long deadline = System.nanoTime() + FIRST_LINE_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)
                    && Files.readString(file, StandardCharsets.UTF_8).contains("\n")) {
                return;
            }
            LockSupport.parkNanos(200_000);
        }
        throw new IllegalStateException("no output line in " + file + " within " + FIRST_LINE_LIMIT);
    }

    /** A jar whose main class prints one line, compiled with the JDK's compiler; readable by every user. */
    static Path helloJar(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/bench"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(
                src.resolve("Hello.java"),
                "package bench; public class Hello { public static void main(String[] a) {"
                        + " System.out.println(\"hello from java\"); } }\n");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("this Java has no compiler (a JDK is needed to build the program)");
        }
        if (compiler.run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        src.resolve("Hello.java").toString())
                != 0) {
            throw new IllegalStateException("javac failed");
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN);
        Path jar = dir.resolve("hello.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry("bench/Hello.class"));
            jarOut.write(Files.readAllBytes(classes.resolve("bench/Hello.class")));
            jarOut.closeEntry();
        }
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int n = sorted.size();
        double mid = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return mid / 1e6;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
