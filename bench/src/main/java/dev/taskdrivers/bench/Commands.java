package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command and returns its output lines; a non-zero exit is an error carrying the output. */
final class Commands {
    private Commands() {}

    static List<String> lines(String... argv) throws IOException, InterruptedException {
        return lines(List.of(argv));
    }

    static List<String> lines(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(argv + " did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException(argv + " exited with " + p.exitValue() + ": " + out.strip());
        }
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
