package dev.taskdrivers.services;

/** Kinds of health checks. */
public enum CheckType {
    HTTP,
    TCP,
    GRPC,
    /** Runs a command inside the task through its handle's exec; exit 0 passing, 1 warning, else critical. */
    SCRIPT
}
