package dev.taskdrivers.cli.internal;

import dev.taskdrivers.cli.Main;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The build's training run for the class-data-sharing archive shipped next to the runnable jar: started once with
 * {@code -XX:DumpLoadedClassList}, it goes through what a one-shot {@code run} does so the archive the build then
 * dumps from that list holds those classes. It validates a spec (once with a problem), then runs a job of one raw_exec and one docker task, the
 * docker one against {@link TrainingDockerEngine}, so no engine is needed. Then a {@code run} takes over a raw_exec
 * task an earlier runner left running, so the archive also holds what a runner restarted after a crash loads before
 * it has reattached its tasks. Nothing it does can fail the build: a
 * step that fails only leaves its classes out of the archive, and a watchdog ends a run that hangs.
 */
public final class ClassDataTraining {
    private static final long WATCHDOG_MILLIS = 120_000;

    private ClassDataTraining() {}

    public static void main(String[] args) throws IOException {
        // quiet: the build log is no place for the training's events
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        startWatchdog();
        Path dir = Files.createTempDirectory("taskdrivers-training");
        int code;
        try {
            code = train(dir);
            trainRecovery(dir);
        } finally {
            deleteQuietly(dir);
        }
        System.out.println("class-data training run ended with exit code " + code);
        System.exit(0);
    }

    /** Goes through the commands in {@code dir}; returns the exit code of the run (0: both tasks succeeded). */
    static int train(Path dir) throws IOException {
        try (TrainingDockerEngine engine = new TrainingDockerEngine(dir.resolve("docker.sock"))) {
            Path spec = Files.writeString(dir.resolve("job.json"), job());
            Path invalid = Files.writeString(dir.resolve("invalid.json"), "{\"job\":{\"name\":\"\",\"groups\":[]}}");
            quiet().execute("validate", invalid.toString());
            return quiet().execute(
                            "run",
                            spec.toString(),
                            "--state-dir",
                            dir.resolve("state").toString(),
                            "--driver-opt",
                            "raw_exec.enabled=true",
                            "--driver-opt",
                            "docker.endpoint=" + engine.endpoint());
        }
    }

    /**
     * A runner starts a raw_exec task and is closed, which leaves the task running; then {@code run} of the same job
     * on the same state directory reattaches it and waits for its end. Returns what that {@code run} printed.
     */
    static String trainRecovery(Path dir) throws IOException {
        Path state = dir.resolve("recovery-state");
        Path data = dir.resolve("recovery-data");
        String job = """
                {"job": {"name": "recovery", "type": "batch", "groups": [{"name": "g", "tasks": [
                  {"name": "left", "driver": "raw_exec", "config": {"command": "/bin/sleep", "args": ["2"]}}]}]}}
                """;
        Path spec = Files.writeString(dir.resolve("recovery.json"), job);
        try (TaskRunner earlier =
                TaskRunner.builder().stateDir(state).dataDir(data).build()) {
            AllocationHandle alloc = earlier.submit(earlier.parse(job)).get(0);
            awaitStarted(alloc);
        } // closing leaves the task running, as a runner that died would
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        cl.execute(
                "run",
                spec.toString(),
                "--state-dir",
                state.toString(),
                "--data-dir",
                data.toString(),
                "--driver-opt",
                "raw_exec.enabled=true");
        return out.toString();
    }

    /** Waits for the Started event, which comes after the task's handle reached its state file. */
    private static void awaitStarted(AllocationHandle alloc) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (alloc.events("left").stream().anyMatch(e -> e.type() == TaskEventType.STARTED)) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String job() {
        return """
                {"job": {"name": "training", "type": "batch", "groups": [{"name": "g", "tasks": [
                  {"name": "host", "driver": "raw_exec", "config": {"command": "/bin/true"}},
                  {"name": "container", "driver": "docker",
                   "config": {"image": "training/busybox:1", "command": "/bin/true"}}]}]}}
                """;
    }

    private static CommandLine quiet() {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        return cl;
    }

    private static void startWatchdog() {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(WATCHDOG_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.println("class-data training did not end within " + WATCHDOG_MILLIS
                            + " ms; archiving what" + " it loaded so far");
                    System.exit(0);
                },
                "training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a training directory left in the temp dir is harmless
        }
    }
}
