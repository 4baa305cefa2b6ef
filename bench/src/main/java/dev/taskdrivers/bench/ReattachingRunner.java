package dev.taskdrivers.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A new runner process taking over the tasks a runner killed with SIGKILL left, timed from its start: through the SDK
 * in a JVM with default options ({@link ReattachMain}), or through the command line's launcher (its {@code run} on the
 * same spec and state directory, with the class-data archive and JVM options the launcher ships). Each figure is
 * read when the process says it has taken every task over: the seconds since it was started and its cpu time, user +
 * system, from {@code /proc}.
 */
final class ReattachingRunner {
    /** Where the command line's launcher is ({@code -Dbench.cli.dir}, default {@code cli/target}). */
    static final Path CLI_DIR = Path.of(System.getProperty("bench.cli.dir", "cli/target"));

    private static final Pattern SDK_LINE = Pattern.compile(
            "^recovered ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+) (\\d+) (\\d+) ([\\d.]+) ([\\d.]+) ([\\d.]+) ([\\d.]+)$",
            Pattern.MULTILINE);
    private static final Pattern EXITS_LINE = Pattern.compile("^exits (\\d+)(.*)$", Pattern.MULTILINE);
    private static final Pattern CLI_LINE = Pattern.compile(
            "^recovered \\d+ allocation\\(s\\) from .*: (\\d+) task\\(s\\) reattached, (\\d+) relaunched");
    private static final String ULIMIT = "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"";

    private ReattachingRunner() {}

    /**
     * What one reattaching process measured.
     *
     * @param how which entry point
     * @param seconds from the process's start until every task was taken over
     * @param cpuSeconds its user + system cpu time by then
     * @param userSeconds the user part of it
     * @param systemSeconds the system part of it
     * @param jitSeconds the JIT compiler threads' part of it (NaN when not known)
     * @param reattached tasks reattached
     * @param relaunched tasks started again
     * @param correct tasks that then reported their own exit code (-1 when the tasks were not let go)
     * @param wrong the first few that did not
     */
    record Result(
            String how,
            double seconds,
            double cpuSeconds,
            double userSeconds,
            double systemSeconds,
            double jitSeconds,
            int reattached,
            int relaunched,
            int correct,
            String wrong) {
        @Override
        public String toString() {
            return String.format(
                            Locale.ROOT,
                            "%s: every task taken over %.2f s after the process started, using %.2f s of cpu (user"
                                    + " %.2f, system %.2f%s); %d reattached, %d relaunched",
                            how,
                            seconds,
                            cpuSeconds,
                            userSeconds,
                            systemSeconds,
                            Double.isNaN(jitSeconds)
                                    ? ""
                                    : String.format(Locale.ROOT, ", of it the JIT compilers %.2f", jitSeconds),
                            reattached,
                            relaunched)
                    + (correct < 0 ? "" : ", " + correct + " right exit codes")
                    + (wrong.isEmpty() ? "" : "; wrong, e.g. " + wrong);
        }
    }

    /**
     * Reattaches through the SDK in a JVM started with no option but the command line's log level (and Flight
     * Recorder's with {@code -Dbench.idleScale.jfr=DIR}), then lets the tasks go and counts the right exit codes.
     */
    static Result throughSdk(Path root, Path state, Path data, Path gate, String logLevel) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = root.resolve("reattach.out");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", ULIMIT, "sh", java, logLevel));
        String jfrDir = System.getProperty("bench.idleScale.jfr");
        if (jfrDir != null) {
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + Path.of(jfrDir)
                            .resolve("reattach-" + System.currentTimeMillis() + ".jfr")
                            .toAbsolutePath());
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ReattachMain.class.getName(),
                state.toString(),
                data.toString(),
                gate.toString()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("the reattaching runner did not finish in 15 min");
        }
        String output = Files.readString(out);
        Matcher m = SDK_LINE.matcher(output);
        Matcher exits = EXITS_LINE.matcher(output);
        if (p.exitValue() != 0 || !m.find() || !exits.find()) {
            throw new IllegalStateException("the reattaching runner failed (exit " + p.exitValue() + "): " + output);
        }
        return new Result(
                "SDK (ReattachMain, default JVM options)",
                Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(9)),
                Double.parseDouble(m.group(10)),
                Double.parseDouble(m.group(7)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(exits.group(1)),
                exits.group(2).strip());
    }

    /**
     * Reattaches through the command line's launcher: {@code run SPEC} on the state directory, killed with SIGKILL
     * once it said what it recovered, so the tasks stay for the next runner. Empty when there is no launcher.
     */
    static Optional<Result> throughLauncher(Path root, Path spec, Path state, Path data) throws Exception {
        Path launcher = CLI_DIR.resolve("taskdrivers").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            return Optional.empty();
        }
        long begin = System.nanoTime();
        // the launcher execs java: the process started here is the JVM
        Process p = new ProcessBuilder(
                        "/bin/sh",
                        "-c",
                        ULIMIT,
                        "sh",
                        launcher.toString(),
                        "run",
                        spec.toString(),
                        "--state-dir",
                        state.toString(),
                        "--data-dir",
                        data.toString())
                .redirectError(root.resolve("launcher.err").toFile())
                .start();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Matcher m = CLI_LINE.matcher(line);
                if (m.find()) {
                    long[] ticks = ProcCpu.userAndSystemTicks(p.pid());
                    double seconds = (System.nanoTime() - begin) / 1e9;
                    double jit = ProcCpu.threadTicks(p.pid()).entrySet().stream()
                                    .filter(e -> e.getKey().contains("CompilerThre"))
                                    .mapToLong(Map.Entry::getValue)
                                    .sum()
                            / (double) ProcCpu.TICKS_PER_SECOND;
                    return Optional.of(new Result(
                            "command line (" + launcher + " run)",
                            seconds,
                            (ticks[0] + ticks[1]) / (double) ProcCpu.TICKS_PER_SECOND,
                            ticks[0] / (double) ProcCpu.TICKS_PER_SECOND,
                            ticks[1] / (double) ProcCpu.TICKS_PER_SECOND,
                            jit,
                            Integer.parseInt(m.group(1)),
                            Integer.parseInt(m.group(2)),
                            -1,
                            ""));
                }
            }
            throw new IllegalStateException("the launcher's run ended without saying what it recovered: "
                    + Files.readString(root.resolve("launcher.err")));
        } catch (IOException e) {
            throw new IllegalStateException("reading the launcher's output failed", e);
        } finally {
            // as a crash would: the tasks stay for the next runner
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
