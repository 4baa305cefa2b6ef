package dev.taskdrivers.api;

/** The kinds of task events, named as Nomad names them. */
public enum TaskEventType {
    RECEIVED("Received"),
    TASK_SETUP("Task Setup"),
    BUILDING_TASK_DIRECTORY("Building Task Directory"),
    DRIVER("Driver"),
    STARTED("Started"),
    TERMINATED("Terminated"),
    KILLING("Killing"),
    KILLED("Killed"),
    RESTARTING("Restarting"),
    NOT_RESTARTING("Not Restarting"),
    RESTART_SIGNALED("Restart Signaled"),
    SIGNALING("Signaling"),
    SETUP_FAILURE("Setup Failure"),
    DRIVER_FAILURE("Driver Failure"),
    FAILED_VALIDATION("Failed Validation"),
    SIBLING_TASK_FAILED("Sibling Task Failed"),
    LEADER_TASK_DEAD("Leader Task Dead"),
    FAILED_RESTORING_TASK("Failed Restoring Task"),
    /** A step around the task (service registration, state persistence) failed; the task itself goes on. */
    TASK_HOOK_FAILED("Task hook failed");

    private final String displayName;

    TaskEventType(String displayName) {
        this.displayName = displayName;
    }

    /** The name users see, e.g. {@code Not Restarting}. */
    public String displayName() {
        return displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
