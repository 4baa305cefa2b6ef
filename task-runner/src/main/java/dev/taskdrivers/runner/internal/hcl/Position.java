package dev.taskdrivers.runner.internal.hcl;

/** A place in a configuration file: 1-based line and column (a tab counts as one column). */
public record Position(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
