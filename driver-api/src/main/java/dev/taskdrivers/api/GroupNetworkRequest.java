package dev.taskdrivers.api;

import java.util.List;
import java.util.Objects;

/**
 * What a driver needs to create the network namespace an allocation's tasks share (a group in {@code bridge} network
 * mode): the allocation and its tasks, each with its granted host ports and its driver config, from which the driver
 * reads where inside the namespace each host port goes (docker: the task's {@code port_map}, else the same number).
 */
public final class GroupNetworkRequest {
    private final String allocId;
    private final List<TaskConfig> tasks;

    private GroupNetworkRequest(String allocId, List<TaskConfig> tasks) {
        this.allocId = allocId;
        this.tasks = tasks;
    }

    /**
     * The request for allocation {@code allocId} and its tasks.
     *
     * @param allocId the allocation whose tasks share the network
     * @param tasks every task of the allocation, with its ports granted; at least one
     * @return the request
     */
    public static GroupNetworkRequest of(String allocId, List<TaskConfig> tasks) {
        Objects.requireNonNull(allocId, "allocId");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a group network needs at least one task");
        }
        return new GroupNetworkRequest(allocId, List.copyOf(tasks));
    }

    /**
     * The allocation whose tasks share the network.
     *
     * @return its id
     */
    public String allocId() {
        return allocId;
    }

    /**
     * The allocation's tasks, with their granted ports.
     *
     * @return an immutable list, never empty
     */
    public List<TaskConfig> tasks() {
        return tasks;
    }

    @Override
    public String toString() {
        return "GroupNetworkRequest[allocId=" + allocId + ", tasks="
                + tasks.stream().map(t -> t.id().taskName()).toList() + "]";
    }
}
