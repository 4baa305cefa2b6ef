package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the exec drivers share about starts the runner never recorded: finding a running copy of a task, taking it
 * over, and telling cleanup when it has to look for such starts' files.
 */
public final class UnrecordedStarts {
    /**
     * Tasks taken over by {@link #takeOver}: only their cleanup looks for the files of unrecorded starts, so a cleanup
     * does not list directories that hold every task's files (which made stopping 10,000 tasks quadratic).
     */
    private final Set<String> takenOver = ConcurrentHashMap.newKeySet();

    private final String stateDirsKey;

    /** @param stateDirsKey the created-resources key under which the driver records each start's state directory */
    public UnrecordedStarts(String stateDirsKey) {
        this.stateDirsKey = stateDirsKey;
    }

    /** The running copy of the task's start whose environment names it, if any. */
    public static Optional<TaskProcessFinder.Found> findRunning(TaskConfig task, Path scriptDir) {
        return whileLooking(task, () -> TaskProcessFinder.find(task.id(), scriptDir));
    }

    /** Runs one step of the search for a task's running copy; a directory that cannot be read fails the search. */
    public static <T> T whileLooking(TaskConfig task, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalStateException e) {
            throw DriverException.recoverable(
                    ErrorCode.INTERNAL,
                    "cannot look for a running copy of task " + task.id() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Reattaches to a found start through {@code recover}; empty when it ended meanwhile and left no status. */
    public Optional<TaskHandle> takeOver(TaskConfig task, Supplier<TaskHandle> recover) {
        try {
            TaskHandle handle = recover.get();
            takenOver.add(task.id().key());
            return Optional.of(handle);
        } catch (DriverException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Whether starts of the task may exist that the runner never learnt of: it was taken over, or the runner knows
     * of no start of it at all. Asked once per cleanup: it forgets the take-over.
     */
    public boolean mayExist(TaskConfig task, CreatedResources resources) {
        return takenOver.remove(task.id().key()) || resources.get(stateDirsKey).isEmpty();
    }
}
