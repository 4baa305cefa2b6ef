package dev.taskdrivers.runner.internal;

/** What recovery did with one task. */
public enum RecoveryOutcome {
    /** The driver reattached to the running task. */
    REATTACHED,
    /** The task could not be reattached, or had not started, and was started again. */
    RELAUNCHED,
    /** The task had already ended for good. */
    FINISHED
}
