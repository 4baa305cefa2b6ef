package dev.taskdrivers.runner;

/** Where an offset into a task's log counts from. */
public enum LogOrigin {
    /** The start of the oldest file kept. */
    START,
    /** The end of what is written now: the offset counts backwards. */
    END
}
