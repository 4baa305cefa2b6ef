package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM started with signals ignored (as under {@code nohup}) passes that on to every child it starts, and a shell
 * cannot undo it: tasks must still start with every signal's default action, through either launcher, and so must
 * the commands an exec runs.
 */
@Tag("real")
class InheritedSignalsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int SIGHUP = 1;
    private static final int SIGTERM = 15;
    /** Ignored by neither the fork server nor a shell: only what the JVM inherited can make a task ignore it. */
    private static final int SIGPROF = 27;

    private static final long IGNORED_BY_THE_JVM = bit(SIGHUP) | bit(SIGTERM) | bit(SIGPROF);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shell", "fork_server"})
    void tasksOfAJvmThatIgnoresSignalsStartWithTheirDefaultActions(String launcher) throws Exception {
        RealEnvironment.require(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid (util-linux)");
        RealEnvironment.require(
                launcher.equals("shell") || ForkServerLauncher.findPerl().isPresent(), "perl");
        Path env = Executables.require("env");
        RealEnvironment.require(
                new ProcessBuilder(env.toString(), "--ignore-signal=HUP", "true")
                                .start()
                                .waitFor()
                        == 0,
                "GNU env with --ignore-signal (coreutils 8.31 or later)");
        List<Started> tasks = new ArrayList<>();
        try {
            Process jvm = startIgnoringJvm(env, launcher);
            long jvmIgnored = 0;
            long execIgnored = -1;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    String[] fields = line.split(" ");
                    if (fields[0].equals("ignored")) {
                        jvmIgnored = Long.parseUnsignedLong(fields[1], 16);
                    } else if (fields[0].equals("exec")) {
                        execIgnored = Long.parseUnsignedLong(fields[1], 16);
                    } else {
                        tasks.add(new Started(
                                new ProcessIdentity(Integer.parseInt(fields[1]), Long.parseLong(fields[2])),
                                Path.of(fields[3])));
                    }
                }
            }
            assertThat(jvm.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(jvm.exitValue())
                    .as("launching JVM (see %s)", dir.resolve("jvm.err"))
                    .isZero();
            assertThat(jvmIgnored & IGNORED_BY_THE_JVM)
                    .as("signals the launching JVM ignores")
                    .isEqualTo(IGNORED_BY_THE_JVM);
            assertThat(tasks).hasSize(IgnoringLauncherMain.TASKS);
            assertThat(execIgnored & IGNORED_BY_THE_JVM)
                    .as("signals an exec's command ignores")
                    .isZero();

            for (Started task : tasks) {
                await("the task to run sleep")
                        .atMost(TIMEOUT)
                        .until(() -> Files.readString(Path.of("/proc/" + task.process.pid() + "/comm"))
                                .strip()
                                .equals("sleep"));
                assertThat(ignored(task.process.pid()) & IGNORED_BY_THE_JVM)
                        .as("signals the task ignores")
                        .isZero();
            }
            kill("TERM", tasks.get(0));
            kill("HUP", tasks.get(1));
            assertThat(awaitExit(tasks.get(0)).signal()).as("task sent SIGTERM").isEqualTo(SIGTERM);
            assertThat(awaitExit(tasks.get(1)).signal()).as("task sent SIGHUP").isEqualTo(SIGHUP);
        } finally {
            for (Started task : tasks) {
                if (task.process.isRunning()) {
                    kill("KILL", task);
                }
            }
        }
    }

    private Process startIgnoringJvm(Path env, String launcher) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(
                        env.toString(),
                        "--ignore-signal=HUP,TERM,PROF",
                        java.toString(),
                        "-cp",
                        classpath,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        IgnoringLauncherMain.class.getName(),
                        dir.toString(),
                        launcher)
                .redirectError(dir.resolve("jvm.err").toFile())
                .start();
    }

    private static ExitResult awaitExit(Started task) {
        await("the exit status of " + task.process).atMost(TIMEOUT).until(() -> Files.exists(task.exitFile));
        return ExitStatusFile.read(task.exitFile).orElseThrow();
    }

    private static void kill(String signal, Started task) throws Exception {
        new ProcessBuilder("kill", "-s", signal, Long.toString(task.process.pid()))
                .start()
                .waitFor();
    }

    private static long ignored(long pid) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("SigIgn:"))
                .findFirst()
                .orElseThrow();
        return Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }

    private record Started(ProcessIdentity process, Path exitFile) {}
}
