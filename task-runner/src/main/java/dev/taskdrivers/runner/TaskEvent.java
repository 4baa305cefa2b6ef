package dev.taskdrivers.runner;

import dev.taskdrivers.api.DriverEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a task: one of the runner's lifecycle events, or a driver's own event as type
 * {@link TaskEventType#DRIVER}.
 *
 * @param type what kind of event
 * @param time when
 * @param message a human readable description; never contains secrets
 * @param details machine readable facts, e.g. {@code exit_code}, {@code image}, {@code percent}
 */
public record TaskEvent(TaskEventType type, Instant time, String message, Map<String, String> details) {
    /**
     * Checks that type, time and message are present and copies the details.
     *
     * @param type what kind of event
     * @param time when
     * @param message a human readable description
     * @param details machine readable facts
     */
    public TaskEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    /**
     * An event with no details, happening now.
     *
     * @param type what kind of event
     * @param message a human readable description
     * @return the event
     */
    public static TaskEvent of(TaskEventType type, String message) {
        return new TaskEvent(type, Instant.now(), message, Map.of());
    }

    /**
     * An event happening now.
     *
     * @param type what kind of event
     * @param message a human readable description
     * @param details machine readable facts
     * @return the event
     */
    public static TaskEvent of(TaskEventType type, String message, Map<String, String> details) {
        return new TaskEvent(type, Instant.now(), message, details);
    }

    /**
     * A driver's event as the task event users see: type {@link TaskEventType#DRIVER}, same time, message and details.
     *
     * @param event what the driver emitted
     * @return the task event
     */
    public static TaskEvent fromDriver(DriverEvent event) {
        return new TaskEvent(TaskEventType.DRIVER, event.time(), event.message(), event.details());
    }
}
