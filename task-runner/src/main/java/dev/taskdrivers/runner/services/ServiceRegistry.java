package dev.taskdrivers.runner.services;

/**
 * Where the runner advertises its tasks' services. Calls return at once: an implementation applies them in the
 * background and converges after failures, so a slow or absent agent never blocks a task.
 */
public interface ServiceRegistry extends AutoCloseable {

    /** Advertises a task's services and starts its checks. Registering the same task again replaces it. */
    void registerTask(TaskServices task);

    /** Stops advertising a task's services and stops its checks. */
    void removeTask(TaskServices task);

    /**
     * Called by the runner once every persisted task has been recovered or given up. Until then the registry does
     * not remove services it owns but has not been told about, so restored tasks are never deregistered early.
     */
    void recoveryComplete();

    /** Flushes pending work within a bounded wait and removes the agent's own services. Idempotent. */
    @Override
    void close();
}
