package dev.taskdrivers.consul;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A task handle whose exec really runs the command as a host process, with the request's timeout. */
final class ProcessTaskHandle implements TaskHandle {
    private final CompletableFuture<ExitResult> exit = new CompletableFuture<>();

    @Override
    public ExecResult exec(ExecRequest request) {
        try {
            Process p = new ProcessBuilder(request.argv())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return ExecResult.timedOut("", "");
            }
            return ExecResult.completed(
                    p.exitValue(),
                    new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.NOT_FOUND, "cannot run " + request.argv().get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted", e);
        }
    }

    private static byte[] read(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Override
    public HandleState state() {
        return new HandleState("test-process", 1, Map.of());
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        return exit;
    }

    @Override
    public void signal(String signal) {
        throw DriverException.fatal(ErrorCode.UNSUPPORTED, "no signals");
    }

    @Override
    public TaskStats stats() {
        return TaskStats.nothingUsed();
    }

    @Override
    public void close() {
        // holds nothing
    }
}
