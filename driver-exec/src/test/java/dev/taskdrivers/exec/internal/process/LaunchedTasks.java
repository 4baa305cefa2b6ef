package dev.taskdrivers.exec.internal.process;

import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.hostprocess.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tasks a launcher test starts: each spec gets its own files below one directory, and at the end whatever still
 * runs is killed and its supervisor awaited, so no test leaves a process behind.
 */
final class LaunchedTasks {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final TaskLauncher launcher;
    private final List<SupervisedTask> started = new ArrayList<>();
    private int count;

    LaunchedTasks(Path dir, TaskLauncher launcher) {
        this.dir = dir;
        this.launcher = launcher;
    }

    /** A spec running {@code argv} with only PATH set, its logs {@code t<n>.out} and {@code t<n>.err}. */
    LaunchSpec spec(List<String> argv) {
        String name = "t" + count++;
        return new LaunchSpec(
                argv,
                Map.of("PATH", Executables.DEFAULT_PATH),
                dir,
                dir.resolve(name + ".out"),
                dir.resolve(name + ".err"),
                dir.resolve("state").resolve(name),
                dir.resolve("exits").resolve(name));
    }

    SupervisedTask launch(LaunchSpec spec) throws IOException {
        SupervisedTask task = launcher.launch(spec, TIMEOUT);
        started.add(task);
        return task;
    }

    /** The task's standard output file (named after its exit file, as {@link #spec} names them). */
    Path stdout(SupervisedTask task) {
        return dir.resolve(task.exitFile().getFileName() + ".out");
    }

    ExitResult awaitExit(SupervisedTask task) {
        await("the exit status of " + task.task()).atMost(TIMEOUT).until(() -> Files.exists(task.exitFile()));
        return ExitStatusFile.read(task.exitFile()).orElseThrow();
    }

    /** Kills the tasks still running, closes the launcher and waits until tasks and supervisors are gone. */
    void killAndAwaitEnd() {
        for (SupervisedTask task : started) {
            ProcessHandle.of(task.task().pid())
                    .filter(p -> task.task().isRunning())
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        launcher.close();
        await("tasks and supervisors of the test to end")
                .atMost(TIMEOUT)
                .until(() -> started.stream()
                        .noneMatch(t -> t.task().isRunning() || t.supervisor().isRunning()));
    }
}
