package dev.taskdrivers.exec.internal.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands out the items of a list a bounded slice at a time, in turn, so a periodic check of many items costs at most
 * the slice per round and every item still comes up every {@code size / slice} rounds.
 */
final class RoundRobin {
    private int next;

    /** The next {@code max} items of {@code items} (all of them when there are no more), continuing from last time. */
    <T> List<T> next(List<T> items, int max) {
        int n = items.size();
        if (n <= max) {
            next = 0;
            return items;
        }
        List<T> slice = new ArrayList<>(max);
        int start = next % n;
        for (int i = 0; i < max; i++) {
            slice.add(items.get((start + i) % n));
        }
        next = (start + max) % n;
        return slice;
    }
}
