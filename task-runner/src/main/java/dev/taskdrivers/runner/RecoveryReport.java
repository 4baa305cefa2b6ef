package dev.taskdrivers.runner;

import java.util.List;

/**
 * What {@link TaskRunner#recover()} did.
 *
 * @param allocations the allocations found in the state directory
 * @param reattached tasks whose driver reattached to them
 * @param relaunched tasks that could not be reattached (or had not started) and were started again
 * @param finished tasks that had already ended for good
 * @param unreadable state files that could not be read, each naming the file; the others were recovered
 */
public record RecoveryReport(
        List<AllocationHandle> allocations,
        int reattached,
        int relaunched,
        int finished,
        List<StateFileProblem> unreadable) {
    public RecoveryReport {
        allocations = List.copyOf(allocations);
        unreadable = List.copyOf(unreadable);
    }
}
