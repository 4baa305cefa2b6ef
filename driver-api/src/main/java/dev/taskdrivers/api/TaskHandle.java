package dev.taskdrivers.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Controls one running task. Obtained from {@link Driver#start} or {@link Driver#recover}.
 *
 * <p>Waiting is asynchronous ({@link #exitFuture()}) so a runner supervising thousands of tasks does not need a
 * thread per task. {@link #close()} releases what the handle holds in this process; it does not stop the task.
 */
public interface TaskHandle extends AutoCloseable {

    /** What the runner persists so a later runner can {@link Driver#recover} this task. */
    HandleState state();

    /** Completes once with how the task ended. Never completes exceptionally. */
    CompletableFuture<ExitResult> exitFuture();

    /**
     * Stops the task: sends {@code signal} (e.g. {@code SIGTERM}), waits up to {@code timeout} for it to exit,
     * then forces it. Returns the exit future. Stopping a task that already exited is not an error.
     */
    CompletableFuture<ExitResult> stop(Duration timeout, String signal);

    /**
     * Sends a signal such as {@code SIGHUP}.
     *
     * @throws DriverException with {@link ErrorCode#UNSUPPORTED} when the driver has no signal capability
     */
    void signal(String signal);

    /**
     * Runs a command inside the task (same environment, filesystem and user).
     *
     * @throws DriverException with {@link ErrorCode#UNSUPPORTED} when the driver has no exec capability
     */
    ExecResult exec(ExecRequest request);

    /** A resource usage sample. */
    TaskStats stats();

    /** Releases what this handle holds in this process. The task keeps running. Idempotent. */
    @Override
    void close();
}
