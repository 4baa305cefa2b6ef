package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationProblem;
import java.util.List;

/**
 * The limits and the checks the spec builders share. Each builder lists its own problems under the field names of the
 * JSON spec, relative to itself ({@code resources.cpu}); its parent puts them under its own path
 * ({@code tasks[1].resources.cpu}), so a whole job's problems read {@code job.groups[0].tasks[1].resources.cpu} as
 * the parser reports them.
 */
final class JobRules {
    static final int MAX_COUNT = 10_000;
    static final int MAX_CPU = 1_000_000;
    static final int MAX_MEMORY_MB = 10_000_000;
    static final int MAX_CORES = 1024;

    private JobRules() {}

    /** Job, group and task names become directory names and parts of task ids. */
    static void name(String name, String field, List<ValidationProblem> problems) {
        if (name.isBlank()) {
            problems.add(new ValidationProblem(field, "must not be empty"));
        } else if (!TaskId.isSafe(name)) {
            problems.add(new ValidationProblem(
                    field,
                    "must be 1-128 letters, digits, '_', '.' or '-' starting with a" + " letter or digit, got \"" + name
                            + "\""));
        }
    }

    static void range(long value, long min, long max, String field, List<ValidationProblem> problems) {
        if (value < min || value > max) {
            problems.add(new ValidationProblem(field, "must be between " + min + " and " + max + ", got " + value));
        }
    }

    /** Adds the problems of a nested object under {@code path}. */
    static void nested(List<ValidationProblem> nested, String path, List<ValidationProblem> problems) {
        nested.forEach(p -> problems.add(p.under(path)));
    }
}
