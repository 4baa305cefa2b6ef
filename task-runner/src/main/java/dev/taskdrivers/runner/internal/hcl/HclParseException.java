package dev.taskdrivers.runner.internal.hcl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be read: a syntax error, or a value that cannot be evaluated (unknown
 * variable, wrong type, unsupported function). Holds every problem found, each naming file, line and column.
 */
public final class HclParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<HclProblem> problems;

    public HclParseException(List<HclProblem> problems) {
        super(problems.stream().map(HclProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a parse exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public HclParseException(Position position, String message) {
        this(List.of(new HclProblem(position, message)));
    }

    /** Every problem, in the order found; never empty. */
    public List<HclProblem> problems() {
        return problems;
    }

    /** Where the first problem is. */
    public Position position() {
        return problems.get(0).position();
    }
}
