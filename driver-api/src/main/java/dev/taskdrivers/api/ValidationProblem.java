package dev.taskdrivers.api;

import java.util.Objects;

/**
 * One problem in a task's configuration.
 *
 * @param field the path of the offending field, e.g. {@code config.port_map.http}
 * @param problem what is wrong with it
 */
public record ValidationProblem(String field, String problem) {
    public ValidationProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(problem, "problem");
    }

    /** The problem prefixed with a path, for nesting a driver's problems under a task's path. */
    public ValidationProblem under(String prefix) {
        return new ValidationProblem(prefix.isEmpty() ? field : prefix + "." + field, problem);
    }

    @Override
    public String toString() {
        return field + ": " + problem;
    }
}
