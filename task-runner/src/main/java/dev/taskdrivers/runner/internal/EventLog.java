package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.TaskEvent;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;

/** A task's event history, bounded so a task restarting for days does not grow without end. */
final class EventLog {
    static final int MAX_EVENTS = 200;

    private final ArrayDeque<TaskEvent> events = new ArrayDeque<>();

    synchronized void add(TaskEvent event) {
        if (events.size() == MAX_EVENTS) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    synchronized void addAll(Collection<TaskEvent> restored) {
        restored.forEach(this::add);
    }

    synchronized List<TaskEvent> all() {
        return List.copyOf(events);
    }

    /** The last {@code n} events, for the state file. */
    synchronized List<TaskEvent> last(int n) {
        List<TaskEvent> all = List.copyOf(events);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }
}
