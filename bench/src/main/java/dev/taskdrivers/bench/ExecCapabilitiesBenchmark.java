package dev.taskdrivers.bench;

import dev.taskdrivers.exec.internal.process.LinuxSyscalls;
import dev.taskdrivers.exec.internal.process.SupervisorScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What an exec task's capability limits cost on its start: the step that enters the chroot as the task's user, as
 * exec runs it (the Perl task entry: chroot, bounding set dropped to Nomad's default set, {@code no_new_privs}, user
 * switch), against coreutils {@code chroot --userspec} (the same without the limits), both running {@code /bin/true}
 * into the host's root. Runs alternate so both see the same machine load; needs root.
 */
public final class ExecCapabilitiesBenchmark implements Benchmark {
    private static final int WARMUP = Integer.getInteger("exec-capabilities.warmup", 20);
    private static final int RUNS = Integer.getInteger("exec-capabilities.runs", 60);
    /** Nomad's default set for exec as capability numbers. */
    private static final String DEFAULT_SET = "0,1,3,4,5,6,7,8,10,18,27,29,31";

    @Override
    public String name() {
        return "exec-capabilities";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path work = Files.createTempDirectory("exec-caps-bench");
        try {
            Path entry = SupervisorScript.installTaskEntry(work);
            int prctl = LinuxSyscalls.forThisMachine()
                    .map(LinuxSyscalls::prctl)
                    .orElseThrow(() -> new IllegalStateException("prctl(2) number unknown on this architecture"));
            List<String> limited = List.of(
                    "/usr/bin/perl",
                    "-t",
                    entry.toString(),
                    Integer.toString(prctl),
                    "/",
                    "/",
                    "65534",
                    "65534",
                    "65534",
                    DEFAULT_SET,
                    "--",
                    "/bin/true");
            List<String> plain =
                    List.of("/usr/sbin/chroot", "--userspec=65534:65534", "--groups=65534", "/", "/bin/true");
            List<Long> limitedTimes = new ArrayList<>();
            List<Long> plainTimes = new ArrayList<>();
            for (int i = -WARMUP; i < RUNS; i++) {
                long a = runOnce(limited);
                long b = runOnce(plain);
                if (i >= 0) {
                    limitedTimes.add(a);
                    plainTimes.add(b);
                }
            }
            double limitedMs = median(limitedTimes);
            double plainMs = median(plainTimes);
            return List.of(new Figure(
                    name(),
                    "entering the chroot with capabilities dropped + no_new_privs / without (median, /bin/true)",
                    limitedMs / plainMs,
                    "x",
                    "",
                    true,
                    String.format(
                            Locale.ROOT,
                            "task entry %.2f ms, chroot --userspec %.2f ms: %.2f ms more per start and exec; %d runs"
                                    + " after %d warm-up rounds",
                            limitedMs,
                            plainMs,
                            limitedMs - plainMs,
                            RUNS,
                            WARMUP)));
        } finally {
            RawExecBenchTasks.deleteTree(work);
        }
    }

    /** Runs {@code argv} to its end; how long that took in nanoseconds. */
    private static long runOnce(List<String> argv) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        Process p = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int status = p.waitFor();
        long took = System.nanoTime() - begin;
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + status + " (root needed)");
        }
        return took;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
