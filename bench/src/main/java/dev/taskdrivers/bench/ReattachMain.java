package dev.taskdrivers.bench;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    private ReattachMain() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path data = Path.of(args[1]);
        Path gate = Path.of(args[2]);
        try (TaskRunner runner = TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            long begin = System.nanoTime();
            RecoveryReport report = runner.recover();
            double seconds = (System.nanoTime() - begin) / 1e9;
            RunnerBenchSupport.release(gate, () -> report.allocations().stream()
                    .allMatch(a -> a.completion().isDone()), 300_000);
            int correct = 0;
            List<String> wrong = new ArrayList<>();
            for (AllocationHandle alloc : report.allocations()) {
                AllocationStatus status = alloc.await(Duration.ofSeconds(30));
                TaskStatus t = status.tasks().get("t");
                int expected = RunnerBenchSupport.expectedCode(RunnerBenchSupport.groupIndex(status.allocName()));
                if (t.lastExit().isPresent() && t.lastExit().get().exitCode() == expected) {
                    correct++;
                } else if (wrong.size() < 3) {
                    wrong.add(status.allocName() + " expected " + expected + ", got " + t.lastExit());
                }
            }
            System.out.println(String.format(Locale.ROOT, "reattach %.3f %d %d %d", seconds, report.reattached(),
                    report.relaunched(), correct) + (wrong.isEmpty() ? "" : " " + wrong));
        }
    }
}
