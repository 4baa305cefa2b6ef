package dev.taskdrivers.runner.spec;

import java.util.Locale;
import java.util.Optional;

/** What a job's tasks are for, which decides what a task that exits means (as Nomad's job types). */
public enum JobType {
    /**
     * Long-running tasks: a task that exits, successfully or not, is restarted by its restart policy; when the policy
     * is used up it fails (mode {@code fail}) or waits for the next interval (mode {@code delay}).
     */
    SERVICE,
    /** Run to completion: exit 0 completes the task; a failure is restarted by the restart policy. */
    BATCH;

    /** The name in a job spec, e.g. {@code service}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type a spec names, empty when it names none of them. */
    public static Optional<JobType> fromSpecName(String name) {
        for (JobType t : values()) {
            if (t.specName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
