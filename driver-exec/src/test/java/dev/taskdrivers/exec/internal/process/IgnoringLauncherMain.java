package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.hostprocess.CommandResult;
import dev.taskdrivers.hostprocess.CommandRunner;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessSignaller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A JVM for {@link InheritedSignalsTest}, started with signals ignored: prints the signals it ignores, starts two
 * {@code sleep} tasks with the launcher named by its arguments, prints each task's pid and exit file, and the
 * signals a command run by a {@link CommandRunner} (an exec) ignores, and exits, leaving the tasks to their
 * supervisors.
 *
 * <p>Arguments: a directory, {@code shell} or {@code fork_server}.
 */
public final class IgnoringLauncherMain {
    static final int TASKS = 2;

    private IgnoringLauncherMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path bin = dir.resolve("bin");
        TaskLauncher launcher = args[1].equals("shell")
                ? new SupervisedLauncher(bin)
                : new ForkServerLauncher(ForkServerLauncher.findPerl().orElseThrow(), bin, dir);
        String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigIgn:"))
                .findFirst()
                .orElseThrow()
                .substring("SigIgn:".length())
                .strip();
        System.out.println("ignored " + ignored);
        try (launcher) {
            for (int i = 0; i < TASKS; i++) {
                LaunchSpec spec = new LaunchSpec(
                        List.of("/bin/sleep", "600"),
                        Map.of("PATH", Executables.DEFAULT_PATH),
                        dir,
                        dir.resolve("t" + i + ".out"),
                        dir.resolve("t" + i + ".err"),
                        dir.resolve("state" + i),
                        dir.resolve("exits").resolve("t" + i));
                SupervisedTask task = launcher.launch(spec, Duration.ofSeconds(10));
                System.out.println(
                        "task " + task.task().pid() + " " + task.task().startTicks() + " " + task.exitFile());
            }
        }
        CommandResult exec = new CommandRunner(new ProcessSignaller())
                .run(
                        List.of("grep", "^SigIgn:", "/proc/self/status"),
                        Map.of("PATH", Executables.DEFAULT_PATH),
                        dir,
                        Duration.ofSeconds(10),
                        1000,
                        dir.resolve("exec"));
        System.out.println("exec " + exec.stdout().substring("SigIgn:".length()).strip());
        System.out.flush();
    }
}
