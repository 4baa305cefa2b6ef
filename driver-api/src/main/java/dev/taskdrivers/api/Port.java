package dev.taskdrivers.api;

import java.util.Objects;

/**
 * A host port granted to a task.
 *
 * @param label the name the task spec gives it, e.g. {@code http}
 * @param value the port number on the host
 * @param hostIp the host address it is bound on
 */
public record Port(String label, int value, String hostIp) {
    public Port {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(hostIp, "hostIp");
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("port " + label + " must be 1-65535: " + value);
        }
    }
}
