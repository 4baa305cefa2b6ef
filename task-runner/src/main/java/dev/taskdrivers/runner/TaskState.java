package dev.taskdrivers.runner;

/** Where a task is in its lifecycle. */
public enum TaskState {
    /** Received, being set up or started. */
    PENDING,
    /** Its driver reports it running. */
    RUNNING,
    /** It ended and waits for its restart delay. */
    RESTARTING,
    /** It ended for good (completed, failed or killed). */
    DEAD
}
