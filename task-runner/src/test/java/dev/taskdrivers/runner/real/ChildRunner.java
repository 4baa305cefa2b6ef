package dev.taskdrivers.runner.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's {@code run} (or another main class) in a child JVM on the test class path. Its output goes to a file (a pipe would be
 * closed under a concurrent reader when the child exits), read on demand.
 */
public final class ChildRunner implements AutoCloseable {
    public final Process process;
    private final Path output;

    private ChildRunner(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static ChildRunner start(Path log, String... cliArgs) throws IOException {
        return startMain(log, "dev.taskdrivers.cli.Main", cliArgs);
    }

    /** The command line in a child JVM whose working directory is {@code workDir}. */
    public static ChildRunner startIn(Path workDir, Path log, String... cliArgs) throws IOException {
        return start(workDir, log, "dev.taskdrivers.cli.Main", cliArgs);
    }

    /** Runs {@code mainClass} of the test class path in a child JVM. */
    public static ChildRunner startMain(Path log, String mainClass, String... args) throws IOException {
        return start(null, log, mainClass, args);
    }

    private static ChildRunner start(Path workDir, Path log, String mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv =
                new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), mainClass));
        argv.addAll(List.of(args));
        Path output = log.resolveSibling(log.getFileName() + ".out");
        ProcessBuilder builder =
                new ProcessBuilder(argv).redirectError(log.toFile()).redirectOutput(output.toFile());
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process p = builder.start();
        return new ChildRunner(p, output);
    }

    /** The lines printed so far. */
    public List<String> lines() {
        try {
            return Files.exists(output) ? Files.readAllLines(output) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    /** Sends a signal such as {@code INT} or {@code TERM} to the child JVM. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Kills the runner without any chance to clean up, as a crash or OOM kill would. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            sigkill();
        }
    }
}
