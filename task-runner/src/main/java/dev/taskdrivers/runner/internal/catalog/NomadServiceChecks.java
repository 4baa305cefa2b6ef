package dev.taskdrivers.runner.internal.catalog;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckStatus;
import dev.taskdrivers.services.TaskServices;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs the http and tcp checks of services with {@code provider = "nomad"}, as Nomad's client runs them itself, with
 * the in-process registry's checker (kept private: its registrations are not the catalog's), and restarts a task
 * whose check stays unhealthy past its {@code check_restart} limit.
 */
final class NomadServiceChecks implements AutoCloseable {
    private final InProcessServiceRegistry checker = new InProcessServiceRegistry();
    private final Map<TaskId, CheckRestartWatch> watches = new ConcurrentHashMap<>();

    NomadServiceChecks() {
        checker.addListener(new InProcessServiceRegistry.Listener() {
            @Override
            public void registered(InProcessServiceRegistry.Registration registration) {}

            @Override
            public void checkRan(CheckStatus current) {
                CheckRestartWatch watch = watches.get(current.task());
                if (watch != null) {
                    watch.observe(current);
                }
            }
        });
    }

    /** Tells {@code listener} of the checked registrations and of every check result. */
    void addListener(InProcessServiceRegistry.Listener listener) {
        checker.addListener(listener);
    }

    /** Starts the checks of {@code task}'s services, replacing those it had; {@code restart} restarts the task. */
    void start(TaskServices task, Consumer<String> restart) {
        CheckRestartWatch watch = new CheckRestartWatch(task.services(), Instant.now(), restart);
        if (watch.any()) {
            watches.put(task.taskId(), watch);
        } else {
            watches.remove(task.taskId());
        }
        checker.registerTask(task);
    }

    /** Stops the checks of the task; nothing happens when it has none. */
    void stop(TaskServices task) {
        watches.remove(task.taskId());
        checker.removeTask(task);
    }

    /** The latest result of every running check, sorted by service, task and check name. */
    List<CheckStatus> statuses() {
        return checker.checks().stream()
                .sorted(Comparator.comparing(CheckStatus::service)
                        .thenComparing(c -> c.task().key())
                        .thenComparing(CheckStatus::check))
                .toList();
    }

    @Override
    public void close() {
        watches.clear();
        checker.close();
    }
}
