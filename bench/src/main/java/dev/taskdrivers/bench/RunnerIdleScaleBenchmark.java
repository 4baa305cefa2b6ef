package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line's {@code run} holding 1, 100, 1,000 and 10,000 idle raw_exec tasks in a child JVM: the cpu it
 * and its fork server use over a 20 s window in which nothing happens (from {@code /proc}), its heap after a GC and
 * its threads; then the child is killed with SIGKILL and new runner processes reattach every task, each timed from
 * its start until it has taken every task over, with its cpu time by then: first the command line's launcher ({@code
 * run} of the same spec, when {@code cli/target/taskdrivers} is built; {@code -Dbench.cli.dir} names another place),
 * killed with SIGKILL in turn, then the SDK in a JVM with default options ({@link ReattachMain}), after which the
 * tasks are let go and each must report its own exit code. The runners log at the command line's level (warnings).
 *
 * <p>Alone: {@code java -jar bench/target/bench.jar runner-idle-scale} (or {@code scripts/bench.sh
 * runner-idle-scale}); {@code -Dbench.idleScale.tasks=1,100} picks other task counts, {@code
 * -Dbench.idleScale.jfr=DIR} records the reattaching runner with Flight Recorder.
 */
public final class RunnerIdleScaleBenchmark implements Benchmark {
    static final List<Integer> TASK_COUNTS = List.of(1, 100, 1000, 10_000);
    private static final int TARGET_TASKS = 10_000;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(60);
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(20);
    private static final double IDLE_CPU_TARGET = 2.0;
    private static final double HEAP_TARGET_MB = 128;
    private static final int THREADS_TARGET = 100;
    private static final double REATTACH_TARGET_SECONDS = 3;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** Cpu seconds of the reattaching process that let it take 10,000 tasks over within 3 s on an idle 2-core box. */
    private static final double REATTACH_CPU_TARGET_SECONDS = 5;
    /** What the command line's jar sets (cli/src/main/resources/simplelogger.properties): no line per task. */
    private static final String LOG_LEVEL = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";

    @Override
    public String name() {
        return "runner-idle-scale";
    }

    @Override
    public List<Figure> run() throws Exception {
        List<Figure> figures = new ArrayList<>();
        for (int tasks : taskCounts()) {
            figures.addAll(measure(tasks));
        }
        return figures;
    }

    private static List<Integer> taskCounts() {
        String chosen = System.getProperty("bench.idleScale.tasks");
        if (chosen == null || chosen.isBlank()) {
            return TASK_COUNTS;
        }
        return java.util.Arrays.stream(chosen.split(","))
                .map(String::strip)
                .map(Integer::valueOf)
                .toList();
    }

    private List<Figure> measure(int tasks) throws Exception {
        Path root = Files.createTempDirectory("runner-idle-scale-bench");
        Path gate = RunnerBenchSupport.mkfifo(root);
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, RunnerBenchSupport.gatedSpec("idle", tasks, gate));
        Path state = root.resolve("state");
        Path data = root.resolve("data");
        Path out = root.resolve("child.out");
        Process child = startChildRunner(root, spec, state, data, out);
        Optional<ProcessHandle> forkServer = Optional.empty();
        try {
            long begin = System.nanoTime();
            // read the child's output twice a second: it grows by a line per event
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (startedLines(out) < tasks && child.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(tasks + " tasks not started by the child runner in 10 min");
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            if (!child.isAlive()) {
                throw new IllegalStateException(
                        "the child runner exited early: " + Files.readString(root.resolve("child.err")));
            }
            double startSeconds = (System.nanoTime() - begin) / 1e9;
            forkServer = child.children()
                    .filter(p -> p.info().commandLine().orElse("").contains("forkserver"))
                    .findFirst();
            settle(child.pid());

            List<Long> pids = new ArrayList<>(List.of(child.pid()));
            forkServer.ifPresent(p -> pids.add(p.pid()));
            long jvmBefore = ProcCpu.ticks(child.pid());
            long allBefore = ProcCpu.ticks(pids);
            Map<String, Long> threadsBefore = ProcCpu.threadTicks(child.pid());
            long windowStart = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(IDLE_WINDOW.toMillis());
            long elapsed = System.nanoTime() - windowStart;
            long jvmTicks = ProcCpu.ticks(child.pid()) - jvmBefore;
            long allTicks = ProcCpu.ticks(pids) - allBefore;
            String busiest = ProcCpu.busiestThreads(threadsBefore, ProcCpu.threadTicks(child.pid()), 4);
            double cpu = ProcCpu.percentOfOneCore(allTicks, elapsed);
            double jvmCpu = ProcCpu.percentOfOneCore(jvmTicks, elapsed);
            int threads = ProcCpu.threads(child.pid());
            double heapMb = heapAfterGcMb(child.pid());

            child.destroyForcibly();
            child.waitFor();
            // first the command line's launcher (when built), killed once it has taken every task over; then the
            // SDK in a plain JVM, which lets the tasks go and checks their exit codes
            Optional<ReattachingRunner.Result> launcher = ReattachingRunner.throughLauncher(root, spec, state, data);
            ReattachingRunner.Result reattach = ReattachingRunner.throughSdk(root, state, data, gate, LOG_LEVEL);

            String label = String.format(Locale.ROOT, "%,d idle raw_exec tasks", tasks);
            String detail = String.format(
                    Locale.ROOT,
                    "%s under `run` in a child JVM, all started in %.1f s;"
                            + " over %.1f s idle: runner JVM %.2f%% (busiest threads, ticks of 10 ms: %s), fork server %.2f%% (%s); heap after GC %.1f MB, %d"
                            + " threads; after SIGKILL: %s%s",
                    label,
                    startSeconds,
                    elapsed / 1e9,
                    jvmCpu,
                    busiest,
                    cpu - jvmCpu,
                    forkServer.map(p -> "pid " + p.pid()).orElse("not found"),
                    heapMb,
                    threads,
                    reattach,
                    launcher.map(r -> "; before it, " + r).orElse("; no launcher at " + ReattachingRunner.CLI_DIR));
            boolean target = tasks == TARGET_TASKS;
            List<Figure> figures = new ArrayList<>(List.of(
                    new Figure(
                            name(),
                            "idle cpu, % of one core (runner JVM + fork server), " + label,
                            cpu,
                            "%",
                            target ? "<= " + IDLE_CPU_TARGET : "",
                            !target || cpu <= IDLE_CPU_TARGET,
                            detail),
                    new Figure(
                            name(),
                            "heap used after GC, " + label,
                            heapMb,
                            "MB",
                            target ? "<= " + (int) HEAP_TARGET_MB : "",
                            !target || heapMb <= HEAP_TARGET_MB,
                            detail),
                    new Figure(
                            name(),
                            "runner JVM threads, " + label,
                            threads,
                            "count",
                            target ? "<= " + THREADS_TARGET : "",
                            !target || threads <= THREADS_TARGET,
                            detail),
                    new Figure(
                            name(),
                            "tasks reattached that reported their own exit code, " + label,
                            reattach.correct(),
                            "count",
                            "= " + tasks,
                            reattach.correct() == tasks && reattach.reattached() == tasks,
                            detail)));
            figures.addAll(reattachFigures(reattach, label, target, detail));
            if (launcher.isPresent()) {
                figures.addAll(reattachFigures(launcher.get(), label, target, detail));
            }
            return figures;
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor();
            }
            // the orphaned fork server ends after its last task: wait for it, so nothing of ours is left
            forkServer.ifPresent(p -> p.onExit()
                    .orTimeout(60, TimeUnit.SECONDS)
                    .exceptionally(e -> p)
                    .join());
            RunnerBenchSupport.deleteTree(root);
        }
    }

    /**
     * The seconds from a new runner process's start until it took every task over (target: 3 s for 10,000, judged
     * on an idle machine), and its cpu time by then (target: 5 s, which 2 idle cores give within those 3 s).
     */
    private List<Figure> reattachFigures(ReattachingRunner.Result r, String label, boolean target, String detail) {
        boolean all = r.reattached() == TARGET_TASKS || !target;
        return List.of(
                new Figure(
                        name(),
                        "seconds from a new runner process's start until every task is reattached after SIGKILL, "
                                + label + ", " + r.how(),
                        r.seconds(),
                        "s",
                        target ? "<= " + (int) REATTACH_TARGET_SECONDS + " (idle 2-core machine)" : "",
                        !target || (all && r.seconds() <= REATTACH_TARGET_SECONDS),
                        detail),
                new Figure(
                        name(),
                        "cpu seconds (user + system) of that process by then, " + label + ", " + r.how(),
                        r.cpuSeconds(),
                        "s",
                        target ? "<= " + (int) REATTACH_CPU_TARGET_SECONDS : "",
                        !target || (all && r.cpuSeconds() <= REATTACH_CPU_TARGET_SECONDS),
                        detail));
    }

    /**
     * Waits until the JIT compilers of {@code pid} stayed idle over a whole {@link #SETTLE} (at most
     * {@link #SETTLE_AT_MOST}): compiling what the start made hot is a cost of the start, not of idling.
     */
    private static void settle(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_AT_MOST.toNanos();
        long compiled = compilerTicks(pid);
        do {
            TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
            long before = compiled;
            compiled = compilerTicks(pid);
            if (compiled == before) {
                return;
            }
        } while (System.nanoTime() < deadline);
    }

    private static long compilerTicks(long pid) {
        return ProcCpu.threadTicks(pid).entrySet().stream()
                .filter(e -> e.getKey().contains("CompilerThre"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * The child: the command line's {@code run}, with its open files raised to the hard limit (each task is a
     * process; the runner itself holds no file per task, but the limit is cheap insurance).
     */
    private static Process startChildRunner(Path root, Path spec, Path state, Path data, Path out) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(
                        "/bin/sh",
                        "-c",
                        "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"",
                        "sh",
                        java,
                        "-Xmx512m",
                        LOG_LEVEL,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.taskdrivers.cli.Main",
                        "run",
                        spec.toString(),
                        "--state-dir",
                        state.toString(),
                        "--data-dir",
                        data.toString())
                .redirectOutput(out.toFile())
                .redirectError(root.resolve("child.err").toFile())
                .start();
    }

    /** Heap used after a full GC of {@code pid}, through the JDK's {@code jcmd}; NaN without it. */
    private static double heapAfterGcMb(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Double.NaN;
        }
        jcmd(jcmd, pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(jcmd, pid, "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
    }

    private static String jcmd(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    private static long startedLines(Path out) {
        try (var lines = Files.lines(out)) {
            return lines.filter(l -> l.contains(" Started ")).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
