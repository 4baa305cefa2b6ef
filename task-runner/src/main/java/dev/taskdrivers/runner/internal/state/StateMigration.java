package dev.taskdrivers.runner.internal.state;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One step of the state file format: turns the JSON tree of a file of format {@code from} into one of format
 * {@code to} ({@code from + 1}). A format change adds one step to {@link TaskStateCodec}'s list, so files of every
 * older format are still read, each through the steps after its own.
 *
 * @param from the format the step reads
 * @param to the format it gives, {@code from + 1}
 * @param change what changed, for messages
 * @param apply the step itself: gets a mutable tree (maps, lists, strings, numbers, booleans) and returns the tree of
 *        format {@code to}; it need not set {@code format}
 */
public record StateMigration(int from, int to, String change, UnaryOperator<Map<String, Object>> apply) {
    public StateMigration {
        if (to != from + 1) {
            throw new IllegalArgumentException(
                    "a migration goes from one format to the next, not " + from + " -> " + to);
        }
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(apply, "apply");
    }
}
