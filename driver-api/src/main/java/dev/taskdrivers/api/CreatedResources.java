package dev.taskdrivers.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a driver created for a task and must remove at cleanup: kind to values, e.g. {@code image -> [busybox:1]}.
 * Immutable; values of a kind form a sorted set, so merging is order-independent and drops duplicates.
 */
public final class CreatedResources {
    private static final CreatedResources EMPTY = new CreatedResources(Map.of());

    private final Map<String, List<String>> resources;

    private CreatedResources(Map<String, List<String>> resources) {
        this.resources = resources;
    }

    /**
     * Nothing created.
     *
     * @return the empty set of resources
     */
    public static CreatedResources empty() {
        return EMPTY;
    }

    /**
     * From a persisted map.
     *
     * @param values kind to values, as {@link #asMap()} returned them
     * @return the resources
     */
    public static CreatedResources of(Map<String, ? extends java.util.Collection<String>> values) {
        Map<String, Set<String>> map = new TreeMap<>();
        for (Map.Entry<String, ? extends java.util.Collection<String>> e : values.entrySet()) {
            if (!e.getValue().isEmpty()) {
                map.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue());
            }
        }
        return map.isEmpty() ? EMPTY : freeze(map);
    }

    /**
     * A copy with {@code value} added under {@code kind}.
     *
     * @param kind e.g. {@code image}
     * @param value e.g. {@code busybox:1}
     * @return the copy
     */
    public CreatedResources with(String kind, String value) {
        Map<String, Set<String>> copy = mutableCopy();
        copy.computeIfAbsent(kind, k -> new TreeSet<>()).add(value);
        return freeze(copy);
    }

    /**
     * A copy without {@code value} under {@code kind}; a kind left empty disappears.
     *
     * @param kind e.g. {@code image}
     * @param value the value to drop
     * @return the copy
     */
    public CreatedResources without(String kind, String value) {
        Map<String, Set<String>> copy = mutableCopy();
        Set<String> values = copy.get(kind);
        if (values != null) {
            values.remove(value);
            if (values.isEmpty()) {
                copy.remove(kind);
            }
        }
        return freeze(copy);
    }

    /**
     * The union of both.
     *
     * @param other the resources to add
     * @return the union
     */
    public CreatedResources merge(CreatedResources other) {
        Map<String, Set<String>> copy = mutableCopy();
        other.resources.forEach((kind, values) ->
                copy.computeIfAbsent(kind, k -> new TreeSet<>()).addAll(values));
        return freeze(copy);
    }

    /**
     * The values of one kind, sorted.
     *
     * @param kind e.g. {@code image}
     * @return the values, empty when there are none
     */
    public List<String> get(String kind) {
        return resources.getOrDefault(kind, List.of());
    }

    /**
     * Kind to values, for persisting.
     *
     * @return an immutable map sorted by kind
     */
    public Map<String, List<String>> asMap() {
        return resources;
    }

    /**
     * Whether nothing was created.
     *
     * @return {@code true} when there is no resource of any kind
     */
    public boolean isEmpty() {
        return resources.isEmpty();
    }

    private Map<String, Set<String>> mutableCopy() {
        Map<String, Set<String>> copy = new TreeMap<>();
        resources.forEach((kind, values) -> copy.put(kind, new TreeSet<>(values)));
        return copy;
    }

    private static CreatedResources freeze(Map<String, Set<String>> map) {
        Map<String, List<String>> frozen = new TreeMap<>();
        map.forEach((kind, values) -> frozen.put(kind, List.copyOf(values)));
        return new CreatedResources(Collections.unmodifiableMap(frozen));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreatedResources other && resources.equals(other.resources);
    }

    @Override
    public int hashCode() {
        return resources.hashCode();
    }

    @Override
    public String toString() {
        return "CreatedResources" + resources;
    }
}
