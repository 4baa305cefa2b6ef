package dev.taskdrivers.exec.internal.isolated;

/** Quotes values for the small {@code sh} scripts that set a task up, so no value is ever parsed as code. */
final class ShellQuote {

    private ShellQuote() {}

    /** {@code value} in single quotes, with embedded single quotes closed, escaped and reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
