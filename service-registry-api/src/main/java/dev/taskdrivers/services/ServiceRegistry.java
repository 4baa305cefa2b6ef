package dev.taskdrivers.services;

import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the runner advertises its tasks' services. Calls return at once: an implementation applies them in the
 * background and converges after failures, so a slow or absent agent never blocks a task.
 */
public interface ServiceRegistry extends AutoCloseable {

    /**
     * This registry's own rules for a service, checked when a job is parsed or submitted, before any task starts, so
     * a service the registry would refuse at registration is refused up front. The runner has already checked what
     * every registry needs (a name, known port labels, check intervals); this adds what this one needs beyond that,
     * e.g. a name that is a DNS label.
     *
     * @param service a service of a task
     * @return the problems, with fields relative to the service (e.g. {@code name}, {@code checks[0].path});
     *         empty by default
     */
    default List<ValidationProblem> validate(ServiceSpec service) {
        return List.of();
    }

    /** Advertises a task's services and starts its checks. Registering the same task again replaces it. */
    void registerTask(TaskServices task);

    /** Stops advertising a task's services and stops its checks. */
    void removeTask(TaskServices task);

    /**
     * Whether {@link #watchChecks} reports the results of the checks of the services this registry advertises. The
     * runner restarts a task whose check stays unhealthy past its {@code check_restart} limit from these results, so
     * it refuses a {@code check_restart} on a check of a registry that does not report them.
     *
     * @return false by default
     */
    default boolean reportsCheckResults() {
        return false;
    }

    /**
     * Reports the results of the checks of {@code task}'s services, as this registry learns them, until the returned
     * watch is closed: each result once, about once per check interval, with {@link CheckStatus#updated()} the time
     * it was learnt. A check not registered yet, or whose result cannot be read for now, reports nothing. Called after
     * {@link #registerTask} with the same services; the listener is called on the registry's threads and must return
     * quickly.
     *
     * @param task the task as it was registered
     * @param listener told each result
     * @return the watch; {@link CheckWatch#NONE}, reporting nothing, by default
     */
    default CheckWatch watchChecks(TaskServices task, Consumer<CheckStatus> listener) {
        return CheckWatch.NONE;
    }

    /**
     * Called by the runner once every persisted task has been recovered or given up. Until then the registry does
     * not remove services it owns but has not been told about, so restored tasks are never deregistered early.
     */
    void recoveryComplete();

    /** Flushes pending work within a bounded wait and removes the agent's own services. Idempotent. */
    @Override
    void close();
}
