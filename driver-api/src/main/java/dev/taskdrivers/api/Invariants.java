package dev.taskdrivers.api;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Collects every broken invariant of a value being built, so a builder reports all of them at once, each with the
 * field it concerns.
 */
final class Invariants {
    private final String type;
    private final List<ValidationProblem> problems = new ArrayList<>();

    Invariants(String type) {
        this.type = type;
    }

    /** Records {@code problem} against {@code field} unless {@code holds}. */
    Invariants check(boolean holds, String field, String problem) {
        if (!holds) {
            problems.add(new ValidationProblem(field, problem));
        }
        return this;
    }

    /** Records that {@code field} is missing when {@code value} is null. */
    Invariants required(@Nullable Object value, String field) {
        return check(value != null, field, "is required");
    }

    /** Throws an {@link IllegalArgumentException} naming every problem recorded, if any. */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("invalid ").append(type).append(": ");
            for (int i = 0; i < problems.size(); i++) {
                message.append(i == 0 ? "" : "; ").append(problems.get(i));
            }
            throw new IllegalArgumentException(message.toString());
        }
    }
}
