package dev.taskdrivers.runner.internal.hcl;

/** One error in a configuration file, with where it is. */
public record HclProblem(Position position, String message) {

    @Override
    public String toString() {
        return position + ": " + message;
    }
}
