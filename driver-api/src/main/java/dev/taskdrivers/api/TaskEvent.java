package dev.taskdrivers.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a task.
 *
 * @param type what kind of event
 * @param time when
 * @param message a human readable description; never contains secrets
 * @param details machine readable facts, e.g. {@code exit_code}, {@code image}, {@code percent}
 */
public record TaskEvent(TaskEventType type, Instant time, String message, Map<String, String> details) {
    public TaskEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    public static TaskEvent of(TaskEventType type, String message) {
        return new TaskEvent(type, Instant.now(), message, Map.of());
    }

    public static TaskEvent of(TaskEventType type, String message, Map<String, String> details) {
        return new TaskEvent(type, Instant.now(), message, details);
    }
}
