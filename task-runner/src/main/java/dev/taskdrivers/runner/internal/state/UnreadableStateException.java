package dev.taskdrivers.runner.internal.state;

/** A state file that cannot be read as a task's state; the message says why. */
public final class UnreadableStateException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadableStateException(String message) {
        super(message);
    }
}
