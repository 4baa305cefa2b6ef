package dev.taskdrivers.metrics.micrometer;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.RunnerObserver;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Reports what task runners do as Micrometer meters: tasks by state, starts, failures, restarts, OOM kills, the
 * drivers' start latency and image pulls. Register it on a runner like any listener:
 *
 * <pre>{@code
 * TaskRunner runner = TaskRunner.builder()
 *         ...
 *         .listener(new TaskRunnerMetrics(meterRegistry))
 *         .build();
 * }</pre>
 *
 * <p>Counters are counted from the runner's events as they happen, so work done before it was registered is not
 * counted; the task gauge reads the runners' tasks when the registry is scraped. One instance may watch several
 * runners: the gauge then counts the tasks of all of them.
 */
public final class TaskRunnerMetrics implements RunnerObserver {
    /** Tasks held by the runners, tagged {@code state}. */
    public static final String TASKS = "taskdrivers.tasks";
    /** Starts of a task by its driver. */
    public static final String STARTS = "taskdrivers.task.starts";
    /** Runs of a task that ended in failure, tagged {@code reason}. */
    public static final String FAILURES = "taskdrivers.task.failures";
    /** Restarts of a task, by its restart policy or on request. */
    public static final String RESTARTS = "taskdrivers.task.restarts";
    /** Exits of a task killed for running out of memory. */
    public static final String OOM_KILLS = "taskdrivers.task.oom.kills";
    /** Wall time of the drivers' start calls, tagged {@code driver} and {@code outcome}. */
    public static final String START_LATENCY = "taskdrivers.task.start.latency";
    /** Image pulls that a task waited for, tagged {@code driver}. */
    public static final String IMAGE_PULLS = "taskdrivers.image.pulls";
    /** Bytes of those pulls. */
    public static final String IMAGE_PULLED_BYTES = "taskdrivers.image.pulled.bytes";

    private static final String DOWNLOADED_IMAGE = "Downloaded image";

    private final MeterRegistry registry;
    private final List<TaskRunner> runners = new CopyOnWriteArrayList<>();
    /** Tasks whose next Terminated event follows a requested restart, not a failure. */
    private final Set<TaskId> restartRequested = ConcurrentHashMap.newKeySet();

    /**
     * Meters in {@code registry}; the task gauge is registered at once, the other meters on their first count.
     *
     * @param registry where the meters go
     */
    public TaskRunnerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (TaskState state : TaskState.values()) {
            Gauge.builder(TASKS, this, m -> m.count(state))
                    .description("Tasks the runners hold, by state")
                    .tag("state", lower(state.name()))
                    .register(registry);
        }
    }

    @Override
    public void onAttached(TaskRunner runner) {
        if (!runners.contains(runner)) {
            runners.add(runner);
        }
    }

    /**
     * Stops counting the tasks of {@code runner}, e.g. after it was closed.
     *
     * @param runner a runner this instance was registered with
     */
    public void detach(TaskRunner runner) {
        runners.remove(runner);
    }

    @Override
    public void onTaskEvent(TaskId task, String driver, TaskEvent event) {
        switch (event.type()) {
            case STARTED ->
                counter(STARTS, "Starts of tasks by their drivers", task, driver)
                        .increment();
            case RESTARTING ->
                counter(RESTARTS, "Restarts of tasks", task, driver).increment();
            case RESTART_SIGNALED -> restartRequested.add(task);
            case TERMINATED -> terminated(task, driver, event);
            case KILLED -> oomKilled(task, driver, event);
            case DRIVER_FAILURE -> failure(task, driver, "driver");
            case SETUP_FAILURE -> failure(task, driver, "setup");
            case DRIVER -> driverEvent(driver, event);
            default -> {}
        }
    }

    @Override
    public void onTaskStartTimed(TaskId task, String driver, Duration took, boolean started) {
        Timer.builder(START_LATENCY)
                .description("Wall time of the drivers' start calls")
                .tags("driver", driver, "outcome", started ? "started" : "failed")
                .register(registry)
                .record(took);
    }

    private void terminated(TaskId task, String driver, TaskEvent event) {
        boolean requested = restartRequested.remove(task);
        oomKilled(task, driver, event);
        Map<String, String> d = event.details();
        boolean failed = !"0".equals(d.getOrDefault("exit_code", "0"))
                || !"0".equals(d.getOrDefault("signal", "0"))
                || d.containsKey("error");
        if (failed && !requested) {
            failure(task, driver, "exit");
        }
    }

    private void oomKilled(TaskId task, String driver, TaskEvent event) {
        if ("true".equals(event.details().get("oom_killed"))) {
            counter(OOM_KILLS, "Exits of tasks killed for running out of memory", task, driver)
                    .increment();
        }
    }

    private void failure(TaskId task, String driver, String reason) {
        Counter.builder(FAILURES)
                .description("Runs of tasks that ended in failure")
                .tags(taskTags(task, driver).and("reason", reason))
                .register(registry)
                .increment();
    }

    /** The docker driver's last pull event of a pull, with its bytes. */
    private void driverEvent(String driver, TaskEvent event) {
        if (!event.message().startsWith(DOWNLOADED_IMAGE)) {
            return;
        }
        Counter.builder(IMAGE_PULLS)
                .description("Image pulls tasks waited for")
                .tag("driver", driver)
                .register(registry)
                .increment();
        long bytes = parse(event.details().get("bytes_done"));
        if (bytes > 0) {
            Counter.builder(IMAGE_PULLED_BYTES)
                    .description("Bytes of the image pulls tasks waited for")
                    .baseUnit("bytes")
                    .tag("driver", driver)
                    .register(registry)
                    .increment((double) bytes);
        }
    }

    private Counter counter(String name, String description, TaskId task, String driver) {
        return Counter.builder(name)
                .description(description)
                .tags(taskTags(task, driver))
                .register(registry);
    }

    private static Tags taskTags(TaskId task, String driver) {
        return Tags.of("driver", driver, "job", task.jobName(), "group", task.groupName(), "task", task.taskName());
    }

    private double count(TaskState state) {
        long n = 0;
        for (TaskRunner runner : runners) {
            for (AllocationHandle alloc : runner.allocations()) {
                for (TaskStatus t : alloc.status().tasks().values()) {
                    if (t.state() == state) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static long parse(@Nullable String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
