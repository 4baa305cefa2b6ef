package dev.taskdrivers.api;

/** Categories of driver failures, so callers can react without parsing messages. */
public enum ErrorCode {
    /** The task or driver configuration is invalid; retrying will not help. */
    INVALID_CONFIG,
    /** The driver cannot run here (engine unreachable, missing privileges, missing binary). */
    DRIVER_UNAVAILABLE,
    /** A thing the call refers to (task, image, container, process) does not exist. */
    NOT_FOUND,
    /** The handle does not support the operation (see {@link Capabilities}). */
    UNSUPPORTED,
    /** The operation did not finish in time. */
    TIMEOUT,
    /** Credentials were refused. */
    AUTHENTICATION,
    /** An external system (engine, registry, agent) failed. */
    EXTERNAL,
    /** A bug or unexpected state in the driver. */
    INTERNAL
}
