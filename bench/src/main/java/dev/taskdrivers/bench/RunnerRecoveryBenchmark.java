package dev.taskdrivers.bench;

import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A runner in a child JVM (the command line's {@code run}) starts 1,000 raw_exec tasks and is killed with SIGKILL;
 * the time for a new runner on the same state directory to reattach all of them, and whether each then reports its
 * own exit code.
 */
public final class RunnerRecoveryBenchmark implements Benchmark {
    private static final int TASKS = RunnerScaleBenchmark.TASKS;

    @Override
    public String name() {
        return "runner-recovery";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("runner-recovery-bench");
        Path gate = RunnerBenchSupport.mkfifo(root);
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, RunnerBenchSupport.gatedSpec("recovery", TASKS, gate));
        Path state = root.resolve("state");
        Path data = root.resolve("data");
        Path out = root.resolve("child.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
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
        try {
            RunnerBenchSupport.waitUntil(
                    () -> startedLines(out) >= TASKS || !child.isAlive(),
                    300_000,
                    TASKS + " tasks started by the child runner");
            if (!child.isAlive()) {
                throw new IllegalStateException(
                        "the child runner exited early: " + Files.readString(root.resolve("child.err")));
            }
            child.destroyForcibly();
            child.waitFor();

            try (TaskRunner runner =
                    TaskRunner.builder().stateDir(state).dataDir(data).build()) {
                long begin = System.nanoTime();
                RecoveryReport report = runner.recover();
                double seconds = (System.nanoTime() - begin) / 1e9;

                RunnerBenchSupport.release(
                        gate,
                        () -> report.allocations().stream()
                                .allMatch(a -> a.completion().isDone()),
                        120_000);
                RunnerBenchSupport.ExitCodes codes = RunnerBenchSupport.checkExitCodes(report.allocations());
                int correct = codes.correct();
                List<String> wrong = codes.wrong();
                String detail = String.format(
                                Locale.ROOT,
                                "recover() of %d tasks took %.3f s: %d reattached, %d"
                                        + " relaunched, %d unreadable state files",
                                TASKS,
                                seconds,
                                report.reattached(),
                                report.relaunched(),
                                report.unreadable().size())
                        + (wrong.isEmpty() ? "" : "; wrong exit codes, e.g. " + wrong);
                return List.of(
                        new Figure(
                                name(),
                                "seconds for a new runner to reattach 1,000 raw_exec tasks",
                                seconds,
                                "s",
                                "< 2",
                                seconds < 2,
                                detail),
                        new Figure(
                                name(),
                                "tasks reattached",
                                report.reattached(),
                                "count",
                                "= " + TASKS,
                                report.reattached() == TASKS,
                                detail),
                        new Figure(
                                name(),
                                "recovered tasks that reported their own exit code",
                                correct,
                                "count",
                                "= " + TASKS,
                                correct == TASKS,
                                detail));
            }
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
            RunnerBenchSupport.deleteTree(root);
        }
    }

    private static long startedLines(Path out) {
        try (var lines = Files.lines(out)) {
            return lines.filter(l -> l.contains(" Started ")).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
