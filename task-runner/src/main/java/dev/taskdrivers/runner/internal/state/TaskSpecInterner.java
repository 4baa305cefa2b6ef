package dev.taskdrivers.runner.internal.state;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Shares the task spec among state files that hold the same text for it. A node's tasks are mostly copies of a few
 * group specs, so a recovery reading thousands of state files finds the same spec in most of them: it is read once,
 * and every later file with that exact text gets the same (unmodifiable) map without reading it again. One interner
 * serves one recovery, on any number of threads.
 */
public final class TaskSpecInterner {
    /** The top-level field of a state file whose value is shared. */
    static final String FIELD = "task";

    private final Map<String, Map<String, Object>> byText = new ConcurrentHashMap<>();

    /** The spec read before from exactly this text, or null. */
    @Nullable
    Map<String, Object> known(String text) {
        return byText.get(text);
    }

    /** Keeps {@code spec}, read from {@code text}, and returns the map every file with that text shares. */
    Map<String, Object> remember(String text, Map<String, Object> spec) {
        Map<String, Object> mine = Collections.unmodifiableMap(spec);
        Map<String, Object> earlier = byText.putIfAbsent(text, mine);
        return earlier != null ? earlier : mine;
    }
}
