package dev.taskdrivers.api;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration has problems; carries all of them, not just the first. */
public class ValidationException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final transient List<ValidationProblem> problems;

    public ValidationException(List<ValidationProblem> problems) {
        super(ErrorCode.INVALID_CONFIG, false, describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ValidationProblem> problems() {
        return problems;
    }

    /** Throws when {@code problems} is not empty. */
    public static void throwIfAny(List<ValidationProblem> problems) {
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }

    private static String describe(List<ValidationProblem> problems) {
        return problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
