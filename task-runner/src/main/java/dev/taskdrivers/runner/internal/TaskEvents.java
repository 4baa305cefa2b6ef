package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A task's events: kept in its bounded history and published to the runner's listeners. */
final class TaskEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEvents.class);

    private final TaskId id;
    private final String driver;
    private final RunnerContext ctx;
    private final EventLog log = new EventLog();

    TaskEvents(TaskId id, String driver, RunnerContext ctx) {
        this.id = id;
        this.driver = driver;
        this.ctx = ctx;
    }

    void emit(TaskEventType type, String message, Map<String, String> details) {
        record(TaskEvent.of(type, message, details));
    }

    /** A driver emits only driver events; the lifecycle events are the runner's. */
    void emitFromDriver(DriverEvent event) {
        record(TaskEvent.fromDriver(event));
    }

    void record(TaskEvent event) {
        log.add(event);
        LOG.debug("{}: {} {}", id, event.type(), event.message());
        ctx.publish(id, driver, event);
    }

    /** Tells the runner's observers how long the driver's start took. */
    void startTimed(Duration took, boolean started) {
        ctx.publishStartTimed(id, driver, took, started);
    }

    /** Puts back the events read from a state file, without publishing them again. */
    void addAll(Collection<TaskEvent> restored) {
        log.addAll(restored);
    }

    List<TaskEvent> all() {
        return log.all();
    }

    /** The last {@code n} events, for the state file. */
    List<TaskEvent> last(int n) {
        return log.last(n);
    }
}
