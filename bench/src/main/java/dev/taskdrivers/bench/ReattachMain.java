package dev.taskdrivers.bench;

import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A new runner process taking over gated tasks an earlier one left: times {@code recover()}, then lets the tasks go
 * and counts those that reported their own exit code. Prints one line: {@code reattach SECONDS REATTACHED
 * RELAUNCHED CORRECT [WRONG...]}. Run by {@link RunnerIdleScaleBenchmark} with the command line's log level.
 *
 * <p>Usage: {@code ReattachMain STATE_DIR DATA_DIR GATE_FIFO}
 */
public final class ReattachMain {
    private ReattachMain() {}

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path data = Path.of(args[1]);
        Path gate = Path.of(args[2]);
        try (TaskRunner runner =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            long begin = System.nanoTime();
            RecoveryReport report = runner.recover();
            double seconds = (System.nanoTime() - begin) / 1e9;
            RunnerBenchSupport.release(
                    gate,
                    () -> report.allocations().stream()
                            .allMatch(a -> a.completion().isDone()),
                    300_000);
            RunnerBenchSupport.ExitCodes codes = RunnerBenchSupport.checkExitCodes(report.allocations());
            int correct = codes.correct();
            List<String> wrong = codes.wrong();
            System.out.println(String.format(
                            Locale.ROOT,
                            "reattach %.3f %d %d %d",
                            seconds,
                            report.reattached(),
                            report.relaunched(),
                            correct)
                    + (wrong.isEmpty() ? "" : " " + wrong));
        }
    }
}
