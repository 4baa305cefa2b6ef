package dev.taskdrivers.runner.real;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The command line's {@code run} in a child JVM on the test class path, its output collected line by line. */
final class ChildRunner implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildRunner(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e + ")");
            }
        }, "child-runner-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildRunner start(Path log, String... cliArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                "dev.taskdrivers.runner.cli.Main"));
        argv.addAll(List.of(cliArgs));
        Process p = new ProcessBuilder(argv).redirectError(log.toFile()).start();
        return new ChildRunner(p);
    }

    long count(String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    /** Kills the runner without any chance to clean up, as a crash or OOM kill would. */
    void sigkill() throws InterruptedException {
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
