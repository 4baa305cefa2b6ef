package dev.taskdrivers.cli;

import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A runner's {@link TaskRunner#recover()} on a thread of its own, so the command line can read the job meanwhile.
 * The runner must not be closed before {@link #await()} returned: a takeover cut short would leave tasks half adopted.
 */
final class Recovery {
    private final CompletableFuture<RecoveryReport> report = new CompletableFuture<>();

    private Recovery() {}

    static Recovery start(TaskRunner runner) {
        Recovery recovery = new Recovery();
        Thread thread = new Thread(
                () -> {
                    try {
                        recovery.report.complete(runner.recover());
                    } catch (RuntimeException | Error e) { // handed to the caller of await
                        recovery.report.completeExceptionally(e);
                    }
                },
                "taskdrivers-recovery");
        thread.start();
        return recovery;
    }

    /** Waits for the recovery after {@code failure} ended the caller's work; what the recovery threw is added to it. */
    void awaitAfter(Throwable failure) throws InterruptedException {
        try {
            await();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** The recovery's report once it is over; what it threw is thrown here. */
    RecoveryReport await() throws InterruptedException {
        try {
            return report.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("recovery failed", cause);
        }
    }
}
