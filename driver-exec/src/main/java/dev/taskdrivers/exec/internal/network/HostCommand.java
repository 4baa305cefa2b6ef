package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.hostprocess.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one short administration command ({@code ip}, {@code iptables}) and returns what it printed. */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 20;

    private HostCommand() {}

    /** What a command printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} and returns its result whatever its exit code.
     *
     * @throws DriverException (recoverable) when it cannot be started or does not end in time
     */
    static Result attempt(List<String> argv) {
        List<String> resolved = new java.util.ArrayList<>(argv);
        // ip and iptables live in sbin, which the runner's own PATH may lack
        Executables.resolve(argv.get(0), Executables.DEFAULT_PATH, null).ifPresent(p -> resolved.set(0, p.toString()));
        ProcessBuilder pb = new ProcessBuilder(resolved);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw DriverException.recoverable(
                    ErrorCode.EXTERNAL, "cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DriverException(
                        ErrorCode.EXTERNAL, true, String.join(" ", argv) + " did not end in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(
                    process.exitValue(),
                    out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "interrupted running " + argv.get(0), e);
        } catch (ExecutionException | TimeoutException e) {
            throw DriverException.recoverable(ErrorCode.EXTERNAL, "cannot read the output of " + argv.get(0), e);
        }
    }

    /**
     * Runs {@code argv} and returns its standard output.
     *
     * @throws DriverException (recoverable) naming the command and its error output when it fails
     */
    static String run(List<String> argv) {
        Result r = attempt(argv);
        if (!r.ok()) {
            throw new DriverException(
                    ErrorCode.EXTERNAL,
                    true,
                    String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                            + r.stderr().strip());
        }
        return r.stdout();
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
