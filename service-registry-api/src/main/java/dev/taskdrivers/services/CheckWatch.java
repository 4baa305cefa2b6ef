package dev.taskdrivers.services;

/**
 * A subscription to the results of one task's checks, from {@link ServiceRegistry#watchChecks}. Closing it stops the
 * results; closing it again does nothing.
 */
@FunctionalInterface
public interface CheckWatch extends AutoCloseable {
    /** A watch that reports nothing: what a registry that does not report check results returns. */
    CheckWatch NONE = () -> {};

    @Override
    void close();
}
