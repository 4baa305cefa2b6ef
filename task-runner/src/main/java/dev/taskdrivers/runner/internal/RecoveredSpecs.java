package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.state.TaskSpecInterner;
import dev.taskdrivers.runner.spec.SpecParser;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The task specs of one recovery, each distinct persisted spec parsed and checked once. A node's tasks are mostly
 * copies of a few group specs (a job's count, or many allocations of one job), so thousands of state files hold the
 * same task spec: read through {@link #interner()} they share one spec map, and here one immutable {@link TaskSpec},
 * which saves the parsing and the memory. Safe for the recovery's threads: all of them get the same spec.
 */
public final class RecoveredSpecs {
    private final SpecParser parser = new SpecParser();
    private final TaskSpecInterner interner = new TaskSpecInterner();
    /** By the spec map's identity: the interner hands out one map per text, and maps are costly to compare. */
    private final Map<SameMap, Parsed> parsed = new ConcurrentHashMap<>();

    /**
     * A persisted spec read by today's rules.
     *
     * @param spec the spec, broken fields at their defaults; null when it could not be read at all
     * @param problems what today's rules find wrong with it, under the path {@code task}
     */
    public record Parsed(@Nullable TaskSpec spec, List<ValidationProblem> problems) {}

    /** What the state files of this recovery are to be read with. */
    public TaskSpecInterner interner() {
        return interner;
    }

    /** The spec a state file holds, as a JSON-shaped map. */
    public Parsed parse(Map<String, Object> raw) {
        SameMap key = new SameMap(raw);
        Parsed known = parsed.get(key);
        if (known != null) {
            return known;
        }
        List<ValidationProblem> problems = new ArrayList<>();
        TaskSpec spec = parser.task(raw, "task", problems);
        Parsed result = new Parsed(spec, List.copyOf(problems));
        Parsed earlier = parsed.putIfAbsent(key, result); // another thread's, when it parsed the same map meanwhile
        return earlier != null ? earlier : result;
    }

    /** A map as a key by its identity. */
    private static final class SameMap {
        private final Map<String, Object> map;

        SameMap(Map<String, Object> map) {
            this.map = map;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof SameMap other && other.map == map;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(map);
        }
    }
}
