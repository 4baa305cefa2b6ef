package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A port a task asks for: {@link #dynamic} for one the runner picks, {@link #fixed} for a fixed host port. Its label
 * is 1-64 letters, digits, {@code _} or {@code -}; a fixed port is 1-65535. A port of the group's network (Nomad's
 * group {@code network { port "L" {} }}, {@link #sharedWithGroup()}) is granted to one task and seen by every task of
 * the group under its own label; any task's service or check may name it.
 */
public final class PortSpec {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String label;
    private final int staticPort;
    private final boolean group;

    private PortSpec(String label, int staticPort, boolean group) {
        this.label = label;
        this.staticPort = staticPort;
        this.group = group;
    }

    /**
     * A port the runner picks.
     *
     * @throws ValidationException when the label is not 1-64 letters, digits, '_' or '-'
     */
    public static PortSpec dynamic(String label) {
        return of(label, 0);
    }

    /**
     * The fixed host port {@code port}.
     *
     * @throws ValidationException when the label is not 1-64 letters, digits, '_' or '-', or the port not 1-65535
     */
    public static PortSpec fixed(String label, int port) {
        Objects.requireNonNull(label, "label");
        if (port < 1 || port > 65535) {
            throw new ValidationException(
                    List.of(new ValidationProblem(label + ".static", "must be between 1 and 65535, got " + port)));
        }
        return of(label, port);
    }

    private static PortSpec of(String label, int port) {
        ValidationException.throwIfAny(labelProblems(Objects.requireNonNull(label, "label")));
        return new PortSpec(label, port, false);
    }

    /**
     * This port as a port of the group's network: the other tasks of the allocation see it as their own
     * {@code NOMAD_PORT_<label>}, {@code NOMAD_HOST_PORT_<label>}, {@code NOMAD_IP_<label>} and
     * {@code NOMAD_ADDR_<label>} (unless they have a port of that label themselves), and their services and checks may
     * name it, as in Nomad.
     */
    public PortSpec inGroupNetwork() {
        return new PortSpec(label, staticPort, true);
    }

    /** The problem of a label, named after it as in {@code resources.ports}. */
    static List<ValidationProblem> labelProblems(String label) {
        List<ValidationProblem> problems = new ArrayList<>();
        if (!LABEL.matcher(label).matches()) {
            problems.add(new ValidationProblem(label, "port label must be 1-64 letters, digits, '_' or '-'"));
        }
        return problems;
    }

    /** The name the task refers to it by, e.g. {@code http}. */
    public String label() {
        return label;
    }

    /** The fixed host port, or 0 for a dynamic one. */
    public int staticPort() {
        return staticPort;
    }

    public boolean isDynamic() {
        return staticPort == 0;
    }

    /** Whether the port belongs to the group's network (see {@link #inGroupNetwork()}). */
    public boolean sharedWithGroup() {
        return group;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PortSpec p && label.equals(p.label) && staticPort == p.staticPort && group == p.group;
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, staticPort, group);
    }

    @Override
    public String toString() {
        return (isDynamic() ? label + "=dynamic" : label + "=" + staticPort) + (group ? " (group)" : "");
    }
}
