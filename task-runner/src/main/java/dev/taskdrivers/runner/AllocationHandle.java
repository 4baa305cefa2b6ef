package dev.taskdrivers.runner;

import dev.taskdrivers.api.TaskEvent;
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
}
