package dev.taskdrivers.api;

import java.util.Map;

/** Where a driver reports events about one task. Implementations are thread-safe and never block for long. */
@FunctionalInterface
public interface EventEmitter {

    /** An emitter that drops everything. */
    EventEmitter NONE = event -> { };

    void emit(TaskEvent event);

    /** Emits a {@link TaskEventType#DRIVER} event, such as image pull progress. */
    default void driverEvent(String message, Map<String, String> details) {
        emit(TaskEvent.of(TaskEventType.DRIVER, message, details));
    }
}
