package dev.taskdrivers.runner.spec;

import java.util.Objects;

/**
 * A port a task asks for.
 *
 * @param label the name the task refers to it by, e.g. {@code http}
 * @param staticPort the fixed host port, or 0 for a dynamic one picked by the runner
 */
public record PortSpec(String label, int staticPort) {
    public PortSpec {
        Objects.requireNonNull(label, "label");
        if (staticPort < 0 || staticPort > 65535) {
            throw new IllegalArgumentException("port " + label + " must be 0-65535: " + staticPort);
        }
    }

    /** A port the runner picks. */
    public static PortSpec dynamic(String label) {
        return new PortSpec(label, 0);
    }

    public boolean isDynamic() {
        return staticPort == 0;
    }
}
