package dev.taskdrivers.bench;

import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A new runner process taking over gated tasks an earlier one left. Right after {@code recover()} it prints
 * {@code recovered WALL CPU RECOVER REATTACHED RELAUNCHED UNREADABLE JIT GC USER SYSTEM}: seconds from this process's start
 * (by the kernel's clocks since boot) until every task was taken over, the process's cpu seconds (user + system, from
 * {@code /proc/self/stat}) by then, the seconds of {@code recover()} alone, the report's counts, and the cpu seconds
 * of the JIT compiler and GC threads among that cpu, and that cpu split into user and system time. Then, unless told to {@code keep} the tasks, it lets them go
 * and prints {@code exits CORRECT [WRONG...]}: how many reported their own exit code. With {@code keep} it waits to
 * be killed, leaving the tasks running, as a runner killed with SIGKILL would.
 *
 * <p>Usage: {@code ReattachMain STATE_DIR DATA_DIR GATE_FIFO [keep]}
 */
public final class ReattachMain {
    private ReattachMain() {}

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path data = Path.of(args[1]);
        Path gate = Path.of(args[2]);
        boolean keep = args.length > 3 && args[3].equals("keep");
        try (TaskRunner runner =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            long begin = System.nanoTime();
            RecoveryReport report = runner.recover();
            long end = System.nanoTime();
            long pid = ProcessHandle.current().pid();
            double sinceStart = ProcCpu.secondsSinceStart(pid);
            long[] cpuTicks = ProcCpu.userAndSystemTicks(pid);
            Map<String, Long> threads = ProcCpu.threadTicks(pid);
            System.out.printf(
                    Locale.ROOT,
                    "recovered %.3f %.2f %.3f %d %d %d %.2f %.2f %.2f %.2f%n",
                    sinceStart,
                    (cpuTicks[0] + cpuTicks[1]) / (double) ProcCpu.TICKS_PER_SECOND,
                    (end - begin) / 1e9,
                    report.reattached(),
                    report.relaunched(),
                    report.unreadable().size(),
                    seconds(threads, "CompilerThre"),
                    seconds(threads, "GC Thread", "G1 "),
                    cpuTicks[0] / (double) ProcCpu.TICKS_PER_SECOND,
                    cpuTicks[1] / (double) ProcCpu.TICKS_PER_SECOND);
            System.out.flush();
            if (keep) {
                Thread.sleep(Long.MAX_VALUE);
            }
            RunnerBenchSupport.release(
                    gate,
                    () -> report.allocations().stream()
                            .allMatch(a -> a.completion().isDone()),
                    300_000);
            RunnerBenchSupport.ExitCodes codes = RunnerBenchSupport.checkExitCodes(report.allocations());
            List<String> wrong = codes.wrong();
            System.out.println("exits " + codes.correct() + (wrong.isEmpty() ? "" : " " + wrong));
        }
    }

    /** The cpu seconds of the threads whose name holds one of {@code names}. */
    private static double seconds(Map<String, Long> threadTicks, String... names) {
        long ticks = threadTicks.entrySet().stream()
                .filter(e -> List.of(names).stream().anyMatch(n -> e.getKey().contains(n)))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return ticks / (double) ProcCpu.TICKS_PER_SECOND;
    }
}
