package dev.taskdrivers.runner.internal.template;

/** A template that cannot be parsed or executed, with the line and column (both from 1) where it went wrong. */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String problem;

    public TemplateException(Pos pos, String problem) {
        super("line " + pos.line() + ":" + pos.column() + ": " + problem);
        this.line = pos.line();
        this.column = pos.column();
        this.problem = problem;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The problem without its position. */
    public String problem() {
        return problem;
    }
}
