package dev.taskdrivers.runner;

/**
 * The kinds of task events, named as Nomad names them. All but {@link #DRIVER} are the runner's lifecycle events;
 * a driver reports through {@link dev.taskdrivers.api.EventEmitter}, whose events all become {@link #DRIVER}.
 */
public enum TaskEventType {
    /** The runner accepted the task. */
    RECEIVED("Received"),
    /** The task's directories and environment are being prepared. */
    TASK_SETUP("Task Setup"),
    /** The task's directory is being built. */
    BUILDING_TASK_DIRECTORY("Building Task Directory"),
    /** Something the driver reported, e.g. image pull progress. */
    DRIVER("Driver"),
    /** The driver started the task. */
    STARTED("Started"),
    /** The task ended. */
    TERMINATED("Terminated"),
    /** The runner is stopping the task. */
    KILLING("Killing"),
    /** The runner stopped the task. */
    KILLED("Killed"),
    /** The task will be started again after a delay. */
    RESTARTING("Restarting"),
    /** The restart policy gives the task up. */
    NOT_RESTARTING("Not Restarting"),
    /** A restart was asked for. */
    RESTART_SIGNALED("Restart Signaled"),
    /** A signal is being sent to the task. */
    SIGNALING("Signaling"),
    /** Preparing the task failed. */
    SETUP_FAILURE("Setup Failure"),
    /** The driver failed to start or run the task. */
    DRIVER_FAILURE("Driver Failure"),
    /** The task's configuration is invalid. */
    FAILED_VALIDATION("Failed Validation"),
    /** Another task of the allocation failed, so this one is stopped. */
    SIBLING_TASK_FAILED("Sibling Task Failed"),
    /** The allocation's leader task ended, so this one is stopped. */
    LEADER_TASK_DEAD("Leader Task Dead"),
    /** The task could not be reattached after a restart of the runner. */
    FAILED_RESTORING_TASK("Failed Restoring Task"),
    /** A template waits for data, failed, or was rendered again. */
    TEMPLATE("Template"),
    /** A step around the task (service registration, state persistence) failed; the task itself goes on. */
    TASK_HOOK_FAILED("Task hook failed"),
    /**
     * The task waits for other tasks of its allocation before it starts: a main task for its prestart tasks, a
     * poststart task for the main tasks to start, a poststop task for them to stop. Its details name the hook
     * ({@code waiting_for}) and the tasks ({@code tasks}).
     */
    WAITING("Waiting"),
    /** Every main task of the allocation has ended, so this sidecar is stopped. */
    MAIN_TASKS_DEAD("Main Tasks Dead"),
    /** The task's services were removed; its kill signal follows after its shutdown delay. */
    WAITING_FOR_SHUTDOWN_DELAY("Waiting for shutdown delay"),
    /** The task's artifacts are being fetched into its directory. */
    DOWNLOADING_ARTIFACTS("Downloading Artifacts"),
    /** Fetching an artifact failed; the task follows its restart policy. */
    FAILED_ARTIFACT_DOWNLOAD("Failed Artifact Download");

    private final String displayName;

    TaskEventType(String displayName) {
        this.displayName = displayName;
    }

    /**
     * The name users see.
     *
     * @return e.g. {@code Not Restarting}
     */
    public String displayName() {
        return displayName;
    }

    /** The name users see, as {@link #displayName()}. */
    @Override
    public String toString() {
        return displayName;
    }
}
