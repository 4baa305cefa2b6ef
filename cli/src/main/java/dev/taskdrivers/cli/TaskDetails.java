package dev.taskdrivers.cli;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Prints, after each Started event, where the task can be reached: its granted host ports, its driver network and
 * its allocation directory, e.g. {@code ports http=127.0.0.1:24001; network 172.17.0.2 (http -> 80); alloc dir
 * /data/alloc/...}. The task's status is read on a thread of its own: listeners are called on the runner's threads
 * and must not wait.
 */
final class TaskDetails implements RunnerListener, AutoCloseable {
    static final String WHAT = "Details";

    private final TaskRunner runner;
    private final EventPrinter printer;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "taskdrivers-details");
        t.setDaemon(true);
        return t;
    });

    TaskDetails(TaskRunner runner, EventPrinter printer) {
        this.runner = runner;
        this.printer = printer;
    }

    @Override
    public void onEvent(TaskId task, TaskEvent event) {
        if (event.type() == TaskEventType.STARTED) {
            // stamped like the event, so the line follows its Started line
            reader.execute(() -> runner.allocation(task.allocId())
                    .map(a -> a.status().tasks().get(task.taskName()))
                    .ifPresent(status -> printer.taskLine(event.time(), task, WHAT, describe(status))));
        }
    }

    /** Prints the details of the running tasks of allocations taken over from an earlier run. */
    void printRunning(List<? extends AllocationHandle> allocations) {
        for (AllocationHandle alloc : allocations) {
            for (TaskStatus status : alloc.status().tasks().values()) {
                if (status.state() == TaskState.RUNNING) {
                    printer.taskLine(Instant.now(), status.id(), WHAT, describe(status));
                }
            }
        }
    }

    static String describe(TaskStatus status) {
        List<String> parts = new ArrayList<>();
        if (!status.ports().isEmpty()) {
            parts.add("ports " + status.ports().stream().map(TaskDetails::port).collect(Collectors.joining(", ")));
        }
        status.network().ifPresent(n -> parts.add(network(n)));
        if (status.allocDir() != null) {
            parts.add("alloc dir " + status.allocDir());
        }
        return parts.isEmpty() ? "no ports, no network" : String.join("; ", parts);
    }

    private static String port(Port p) {
        return p.label() + "=" + p.hostIp() + ":" + p.value();
    }

    private static String network(DriverNetwork n) {
        Map<String, Integer> sorted = new TreeMap<>(n.portMap());
        return "network " + n.ip()
                + (sorted.isEmpty()
                        ? ""
                        : " ("
                                + sorted.entrySet().stream()
                                        .map(e -> e.getKey() + " -> " + e.getValue())
                                        .collect(Collectors.joining(", "))
                                + ")");
    }

    /** Prints the lines still being looked up, then stops the reader thread. */
    @Override
    public void close() throws InterruptedException {
        reader.shutdown();
        if (!reader.awaitTermination(5, TimeUnit.SECONDS)) {
            reader.shutdownNow();
        }
    }
}
