package dev.taskdrivers.runner;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one task.
 *
 * @param id the task
 * @param driver its driver name
 * @param state where it is
 * @param failed whether it ended as a failure (only meaningful when {@code DEAD})
 * @param restarts how many times it was restarted
 * @param lastExit how it last ended, empty while it has not
 * @param events its events, oldest first
 * @param ports the host ports granted to the task (label, host IP, port), in spec order
 * @param network the driver's network of the running task (its IP and mapped ports), when the driver has one
 * @param allocDir the directory shared by the tasks of the allocation ({@code NOMAD_ALLOC_DIR}; the tasks' logs
 *        are in its {@code logs} directory), or {@code null} when unknown
 * @param taskDir the task's own directory (parent of {@code NOMAD_TASK_DIR} and {@code NOMAD_SECRETS_DIR}), or
 *        {@code null} when unknown
 */
public record TaskStatus(
        TaskId id,
        String driver,
        TaskState state,
        boolean failed,
        int restarts,
        Optional<ExitResult> lastExit,
        List<TaskEvent> events,
        List<Port> ports,
        Optional<DriverNetwork> network,
        @Nullable Path allocDir,
        @Nullable Path taskDir) {
    public TaskStatus {
        events = List.copyOf(events);
        ports = List.copyOf(ports);
        Objects.requireNonNull(network, "network");
    }

    /** A snapshot without ports, network or directories. */
    public TaskStatus(
            TaskId id,
            String driver,
            TaskState state,
            boolean failed,
            int restarts,
            Optional<ExitResult> lastExit,
            List<TaskEvent> events) {
        this(id, driver, state, failed, restarts, lastExit, events, List.of(), Optional.empty(), null, null);
    }

    /** Whether it ended without failing. */
    public boolean succeeded() {
        return state == TaskState.DEAD && !failed;
    }

    /** The granted host port labelled {@code label}, if the task asked for one. */
    public Optional<Port> port(String label) {
        return ports.stream().filter(p -> p.label().equals(label)).findFirst();
    }
}
