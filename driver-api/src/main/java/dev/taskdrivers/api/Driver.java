package dev.taskdrivers.api;

import java.util.List;
import java.util.Optional;

/**
 * A task driver: starts tasks of one kind and reattaches to them after a restart.
 *
 * <p>All methods may be called concurrently for different tasks. Errors are reported as {@link DriverException}.
 */
public interface Driver extends AutoCloseable {

    /** The name this driver is registered under. */
    String name();

    /** What handles of this driver can do. */
    Capabilities capabilities();

    /** Whether the driver can run tasks on this node, and facts about the node. Never throws. */
    Fingerprint fingerprint();

    /**
     * Checks a task's driver configuration without side effects.
     *
     * @return every problem found, empty when the task is valid
     */
    List<ValidationProblem> validate(TaskConfig task);

    /**
     * What keeps a task that {@link #validate} accepts from running on this node: something its configuration names
     * that this node lacks, such as an executable that is not installed, a task user the host does not have or a
     * hardware feature (KVM) that does not work here. The task is valid (another node may run it), so a check of the
     * job alone, like {@code taskdrivers validate}, reports these as warnings, while running the task here refuses
     * them; a driver also refuses them itself at {@link #prestart} or {@link #start}. Without side effects, like
     * {@link #validate}, and never repeating one of its problems. Fields are named as {@link #validate}'s are: under
     * {@code config} for the driver's configuration ({@code config.command}), {@code user} for the task's user.
     *
     * <p>The default finds none: a driver that reports such problems from {@link #validate} has them treated as
     * errors of the task everywhere, as before this method existed.
     *
     * @return every problem this node has with the task, empty when it can run here
     */
    default List<ValidationProblem> nodeProblems(TaskConfig task) {
        return List.of();
    }

    /**
     * Prepares what the task needs before start (images, directories), idempotently. The port map returned is
     * known before start so the runner can set the port environment variables.
     */
    PrestartResult prestart(TaskConfig task, EventEmitter events);

    /** Starts the task. The environment in {@code task} is final, including port variables. */
    StartResult start(TaskConfig task, EventEmitter events);

    /**
     * Reattaches to a task started by an earlier runner, from the state it persisted.
     *
     * @throws DriverException with {@link ErrorCode#NOT_FOUND} when the task no longer exists (it ended or was
     *         removed while no runner watched it)
     */
    TaskHandle recover(TaskConfig task, HandleState state, EventEmitter events);

    /**
     * Finds a task this driver started for {@code task} (the same {@link TaskId}) whose handle the runner never
     * recorded, e.g. because the runner was killed between {@link #start} returning and its next state write, so
     * the runner takes that task over instead of starting it a second time. The runner asks before it starts a
     * recovered task again. A driver that can identify its tasks by their task id implements it and returns a handle
     * like {@link #recover}'s, which watches the task and can stop it; the default finds none, and the task is
     * started again.
     *
     * <p>Implemented by {@code raw_exec} and {@code exec} (the task's process, by the task id in its environment) and
     * {@code docker} (the running container named after the task, with the task's labels).
     *
     * @return the handle of the running task, empty when the driver started none for {@code task} or it has ended
     */
    default Optional<TaskHandle> findUnrecorded(TaskConfig task, EventEmitter events) {
        return Optional.empty();
    }

    /**
     * Whether this driver can create the network namespace an allocation's tasks share (a group's {@code bridge}
     * network mode, see {@link #createGroupNetwork}). The default is false: a group in bridge mode is then refused for
     * this driver's tasks.
     *
     * @return whether {@link #createGroupNetwork} is implemented
     */
    default boolean createsGroupNetworks() {
        return false;
    }

    /**
     * Creates the network namespace the tasks of {@code request}'s allocation share, with each granted host port
     * forwarded into it, before the first of them starts. The runner destroys it with {@link #destroyGroupNetwork}
     * after the allocation's last task ended; until then it outlives a runner restart and is found again with
     * {@link #findGroupNetwork}. Idempotent for one allocation: a network it already has is returned.
     *
     * @param request the allocation and its tasks with their granted ports
     * @return the network, with the config entries its tasks run with to join it
     * @throws DriverException with {@link ErrorCode#UNSUPPORTED} unless {@link #createsGroupNetworks()}
     */
    default GroupNetwork createGroupNetwork(GroupNetworkRequest request) {
        throw new DriverException(ErrorCode.UNSUPPORTED, false, name() + " creates no group networks");
    }

    /**
     * Finds the group network this driver created for {@code allocId}, e.g. after a runner restart.
     *
     * @param allocId the allocation
     * @return the network, empty when there is none
     */
    default Optional<GroupNetwork> findGroupNetwork(String allocId) {
        return Optional.empty();
    }

    /**
     * Removes the group network of {@code allocId}. Idempotent: a network already gone is not an error. Failures that
     * may succeed on retry are thrown as recoverable {@link DriverException}s.
     *
     * @param allocId the allocation
     */
    default void destroyGroupNetwork(String allocId) {}

    /**
     * Removes what prestart and start created. Idempotent: resources already gone are not an error. Failures that
     * may succeed on retry are thrown as recoverable {@link DriverException}s.
     */
    void cleanup(TaskConfig task, CreatedResources resources);

    /** Releases the driver's own resources (connections, threads). Running tasks are left running. Idempotent. */
    @Override
    void close();
}
