package dev.taskdrivers.runner.internal.hcl;

/**
 * Stops evaluating an expression that reads a variable whose own problem is already reported, so one bad variable
 * gives one message rather than one per use.
 */
final class ReportedElsewhere extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ReportedElsewhere() {
        super(null, null, false, false);
    }
}
