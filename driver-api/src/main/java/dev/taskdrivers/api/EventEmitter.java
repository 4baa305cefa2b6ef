package dev.taskdrivers.api;

import java.util.Map;

/**
 * Where a driver reports events about one task. A driver emits only {@link DriverEvent}s (a message and details);
 * the runner shows them as task events of type {@code Driver} next to its own lifecycle events (Started, Killing,
 * Terminated, ...), which a driver cannot emit. Implementations are thread-safe and never block for long.
 */
@FunctionalInterface
public interface EventEmitter {

    /** An emitter that drops everything. */
    EventEmitter NONE = event -> {};

    /**
     * Reports an event.
     *
     * @param event what happened
     */
    void emit(DriverEvent event);

    /**
     * Reports an event happening now, such as image pull progress.
     *
     * @param message what happened, in words an operator understands; never a secret
     * @param details machine readable facts, e.g. {@code image}, {@code percent}
     */
    default void driverEvent(String message, Map<String, String> details) {
        emit(DriverEvent.of(message, details));
    }

    /**
     * Reports an event with no details happening now.
     *
     * @param message what happened, in words an operator understands; never a secret
     */
    default void driverEvent(String message) {
        emit(DriverEvent.of(message));
    }
}
