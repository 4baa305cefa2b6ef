package dev.taskdrivers.rkt;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short-lived command from an argument list, keeping a bounded amount of its output. */
final class CommandRunner {

    /**
     * What a command did.
     *
     * @param exitCode its exit code, -1 when it timed out
     * @param stdout its standard output, cut at the limit
     * @param stderr its standard error, cut at the limit
     * @param timedOut whether it was killed for running too long
     * @param truncated whether output was cut
     */
    record Result(int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated) {
        boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** stderr, or stdout when stderr is empty: what to show a user when the command failed. */
        String message() {
            String text = stderr.isBlank() ? stdout : stderr;
            return text.strip();
        }
    }

    private CommandRunner() {
    }

    /**
     * Runs {@code argv} to completion or until {@code timeout}.
     *
     * @throws IOException when the program cannot be started at all
     */
    static Result run(List<String> argv, Duration timeout, int outputLimit) throws IOException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        CompletableFuture<Captured> out = CompletableFuture.supplyAsync(() -> capture(p.getInputStream(), outputLimit));
        CompletableFuture<Captured> err = CompletableFuture.supplyAsync(() -> capture(p.getErrorStream(), outputLimit));
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + argv.get(0), e);
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        Captured o = await(out);
        Captured e = await(err);
        return new Result(finished ? p.exitValue() : -1, o.text(), e.text(), !finished, o.truncated() || e.truncated());
    }

    private record Captured(String text, boolean truncated) {
    }

    private static Captured capture(InputStream in, int limit) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean truncated = false;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                int room = limit - kept.size();
                if (n > room) {
                    truncated = true;
                }
                kept.write(buffer, 0, Math.max(0, Math.min(n, room)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Captured(kept.toString(StandardCharsets.UTF_8), truncated);
    }

    private static Captured await(CompletableFuture<Captured> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Captured("", false);
        } catch (ExecutionException | TimeoutException e) {
            // A grandchild still holds the pipe open; what was read so far is lost, the exit code is not.
            return new Captured("", true);
        }
    }
}
