package dev.taskdrivers.runner;

import dev.taskdrivers.runner.internal.state.PersistedStatus;
import dev.taskdrivers.runner.internal.state.PersistedTask;
import dev.taskdrivers.runner.internal.state.StateStore;
import dev.taskdrivers.runner.internal.state.UsageFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a runner's state directory holds, read without taking anything over or changing a file: for tools that look
 * at the tasks of a runner in another process. The task states are as current as the runner's last state write
 * (each state change); the usage is the last snapshot the runner kept, present only when it was built with
 * {@link TaskRunner.Builder#usageSnapshots}. Task and allocation directories are not known from the state files
 * ({@code null}).
 */
public final class StateDirectory {
    private final Path dir;
    private final List<AllocationStatus> allocations;
    private final List<StateFileProblem> problems;

    private StateDirectory(Path dir, List<AllocationStatus> allocations, List<StateFileProblem> problems) {
        this.dir = dir;
        this.allocations = List.copyOf(allocations);
        this.problems = List.copyOf(problems);
    }

    /**
     * Reads the state files of every allocation in {@code stateDir}; a file that cannot be read is a problem, never
     * an exception. A directory that does not exist holds nothing.
     *
     * @param stateDir a runner's state directory
     * @return what it holds now
     */
    public static StateDirectory read(Path stateDir) {
        Path dir = stateDir.toAbsolutePath().normalize();
        StateStore.LoadResult loaded = new StateStore(dir).loadAll();
        Map<String, List<PersistedTask>> byAlloc = new LinkedHashMap<>();
        for (PersistedTask t : loaded.tasks()) {
            byAlloc.computeIfAbsent(t.allocId(), id -> new ArrayList<>()).add(t);
        }
        List<AllocationStatus> allocations = new ArrayList<>();
        byAlloc.values().forEach(tasks -> allocations.add(PersistedStatus.allocation(tasks)));
        allocations.sort(Comparator.comparing(AllocationStatus::allocName).thenComparing(AllocationStatus::allocId));
        return new StateDirectory(dir, allocations, loaded.problems());
    }

    /**
     * The allocations, by name.
     *
     * @return each allocation's status as its state files tell it
     */
    public List<AllocationStatus> allocations() {
        return allocations;
    }

    /**
     * The last usage snapshot the runner kept of an allocation.
     *
     * @param allocId the allocation
     * @return the snapshot; empty when the runner kept none (not built with usage snapshots, or no task ran yet)
     */
    public Optional<AllocationUsage> usage(String allocId) {
        return UsageFile.read(dir, allocId);
    }

    /**
     * The state files that could not be read.
     *
     * @return each with its path and why
     */
    public List<StateFileProblem> problems() {
        return problems;
    }
}
