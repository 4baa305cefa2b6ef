package dev.taskdrivers.runner;

import dev.taskdrivers.runner.spec.JobSpec;
import java.util.List;

/**
 * Thrown by {@link TaskRunner#apply(JobSpec, boolean)} when the runner already runs a job of the same name with a
 * different spec and replacing it was not asked for.
 */
public final class JobConflictException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String jobName;
    private final List<String> runningAllocations;

    JobConflictException(String jobName, List<String> runningAllocations) {
        super("job \"" + jobName + "\" is already running here with a different spec (allocations "
                + runningAllocations + "); stop it first, or replace it (TaskRunner.apply(job, true), on the"
                + " command line: run --replace)");
        this.jobName = jobName;
        this.runningAllocations = List.copyOf(runningAllocations);
    }

    /** The job's name. */
    public String jobName() {
        return jobName;
    }

    /** The names of its allocations that are still running, e.g. {@code web.api[0]}. */
    public List<String> runningAllocations() {
        return runningAllocations;
    }
}
