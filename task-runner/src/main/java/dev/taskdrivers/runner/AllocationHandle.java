package dev.taskdrivers.runner;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.LogStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** Controls one allocation: the tasks of one group run together. Returned by {@link TaskRunner#submit}. */
public interface AllocationHandle {

    /** The allocation id, unique per runner state directory. */
    String id();

    /** {@code job.group[index]}. */
    String name();

    /** A snapshot of every task. */
    AllocationStatus status();

    /** The events of one task so far, oldest first. */
    List<TaskEvent> events(String taskName);

    /** Completes when every task is dead and cleaned up. */
    CompletableFuture<AllocationStatus> completion();

    /** Waits for {@link #completion()}. */
    AllocationStatus await(Duration timeout) throws TimeoutException, InterruptedException;

    /** Stops every task (kill signal, kill timeout, then force); completes like {@link #completion()}. */
    CompletableFuture<AllocationStatus> stop();

    /**
     * Runs a command inside a running task (same environment, filesystem and user), through its driver. Blocks until
     * the command ends or {@code timeout} passes; output is capped at {@link dev.taskdrivers.api.ExecRequest#DEFAULT_OUTPUT_LIMIT}
     * bytes per stream.
     *
     * @param taskName the task
     * @param argv the program and its arguments, never passed through a shell
     * @param timeout how long the command may run before it is killed
     * @throws IllegalArgumentException when the allocation has no such task, or {@code argv} is empty
     * @throws IllegalStateException when the task is not running
     * @throws DriverException with {@link dev.taskdrivers.api.ErrorCode#UNSUPPORTED} when its driver cannot exec
     */
    ExecResult exec(String taskName, List<String> argv, Duration timeout);

    /**
     * Sends a signal such as {@code SIGHUP} to a running task; emits a Signaling event first.
     *
     * @throws IllegalArgumentException when the allocation has no such task
     * @throws IllegalStateException when the task is not running
     * @throws DriverException with {@link dev.taskdrivers.api.ErrorCode#UNSUPPORTED} when its driver cannot signal
     */
    void signal(String taskName, String signal);

    /**
     * Restarts a running task: emits Restart Signaled, stops it (kill signal, kill timeout, then force) and starts
     * it again at once. The restart does not count against the task's restart policy. Returns when the stop was
     * requested; the events tell when it runs again.
     *
     * @throws IllegalArgumentException when the allocation has no such task
     * @throws IllegalStateException when the task is not running
     */
    void restart(String taskName);

    /**
     * A resource usage sample of every task, taken through its driver, and their sum: cpu (percent, MHz ticks, total
     * time), memory (resident, page cache, swap) and the limits of each task's resources. Blocks while the drivers
     * sample (docker asks its engine). A task that is not running, or whose driver fails to sample it, counts as
     * zeros with its limits and says why in {@link TaskUsage#unmeasured()}. Cpu percent is measured between two
     * samples of the same task: a task's first sample reads 0.
     *
     * @return the sample
     * @throws UnsupportedOperationException when this handle is not one of a {@link TaskRunner}
     */
    default AllocationUsage stats() {
        throw new UnsupportedOperationException("allocation " + name() + " cannot sample its usage");
    }

    /**
     * A task's stdout or stderr as written to its allocation's {@code alloc/logs} files, one stream across their
     * rotations, from {@code offset} bytes after the start of the oldest file kept ({@link LogOrigin#START}) or
     * before the end ({@link LogOrigin#END}). With {@code follow} it waits for more output until it is closed
     * (also after the task ended); else it ends where the log ends.
     *
     * @throws IllegalArgumentException when the allocation has no such task
     */
    default InputStream logs(String taskName, LogStream stream, LogOrigin origin, long offset, boolean follow) {
        return taskLogs(taskName).open(stream, origin, offset, follow);
    }

    /**
     * The last {@code lines} lines of a task's stdout or stderr and, with {@code follow}, what it writes next.
     *
     * @throws IllegalArgumentException when the allocation has no such task
     */
    default InputStream lastLines(String taskName, LogStream stream, int lines, boolean follow) {
        return taskLogs(taskName).lastLines(stream, lines, follow);
    }

    /**
     * The reader of a task's log files.
     *
     * @throws IllegalArgumentException when the allocation has no such task
     */
    default TaskLogs taskLogs(String taskName) {
        AllocationStatus status = status();
        TaskStatus task = status.tasks().get(taskName);
        if (task == null || task.allocDir() == null) {
            throw new IllegalArgumentException("allocation " + status.allocName() + " has no task \"" + taskName
                    + "\" (tasks: " + status.tasks().keySet() + ")");
        }
        return TaskLogs.of(task.allocDir().resolve("logs"), taskName);
    }
}
