package dev.taskdrivers.consul;

/** The agent could not be reached or refused a call. The message names the call, never the token. */
public class ConsulUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConsulUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConsulUnavailableException(String message) {
        super(message);
    }
}
