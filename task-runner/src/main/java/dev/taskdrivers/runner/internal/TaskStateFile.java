package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.StateStore;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one task's state file: each write takes the task's current state from {@code snapshot}, and a failed write
 * is said once per run of failures (a Task hook failed event), so the task goes on without it.
 *
 * <p>Locking: this object's own lock orders the writes and guards whether a file was written and whether the last
 * write failed. The snapshot takes the supervisor's lock: inside this one for {@link #write}, outside it for the
 * staged first write. The supervisor never writes while it holds its own lock, so the two are always taken in that
 * order.
 */
final class TaskStateFile {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStateFile.class);

    private final TaskId id;
    private final StateStore store;
    private final TaskEvents events;
    private final Supplier<PersistedTask> snapshot;
    private final Object lock = new Object();
    /** Whether a state file was written; guarded by lock. */
    private boolean written;
    /** Whether the last write failed; guarded by lock. */
    private boolean failing;

    TaskStateFile(TaskId id, StateStore store, TaskEvents events, Supplier<PersistedTask> snapshot) {
        this.id = id;
        this.store = store;
        this.events = events;
        this.snapshot = snapshot;
    }

    /**
     * Writes the task's state; {@code durable} forces it to disk (see
     * {@link StateStore#write(PersistedTask, boolean)}).
     */
    void write(boolean durable) {
        synchronized (lock) {
            written = true;
            try {
                store.write(snapshot.get(), durable);
                failing = false;
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /**
     * Writes the first state of a task just submitted, not forced to disk (nothing outside this process exists
     * yet). It runs while the task is being prepared, and the slow part (the allocation's directory, a new file)
     * outside the lock, so a write on the way to Started never waits for it: a later state written meanwhile wins.
     * Then it prepares the file of that next write.
     */
    void writeSubmitted() {
        synchronized (lock) {
            if (written) {
                return;
            }
        }
        StateStore.Staged first;
        try {
            first = store.stage(snapshot.get());
        } catch (RuntimeException e) {
            synchronized (lock) {
                failed(e);
            }
            return;
        }
        boolean overtaken;
        synchronized (lock) {
            overtaken = written;
            if (!overtaken) {
                written = true;
                publish(first);
            }
        }
        if (overtaken) {
            discard(first);
        }
        store.prepareNextWrite(id.allocId(), id.taskName());
    }

    /** Called with the lock held. */
    private void publish(StateStore.Staged first) {
        try {
            first.publish();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void discard(StateStore.Staged first) {
        try {
            first.discard();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove an unused state file of {}: {}", id, e.getMessage());
        }
    }

    /**
     * Says once per run of failed writes that the task could not be recovered after a restart of the runner. Called
     * with the lock held.
     */
    private void failed(RuntimeException e) {
        String why = e.getCause() != null ? e.getMessage() + ": " + e.getCause() : e.getMessage();
        LOG.error("cannot persist state of {}: {}", id, why);
        if (!failing) {
            failing = true;
            events.emit(
                    TaskEventType.TASK_HOOK_FAILED,
                    "cannot write the task's state (" + why + "); a runner started"
                            + " after this one would not know of the task's latest state",
                    Map.of("hook", "state"));
        }
    }
}
