package dev.taskdrivers.runner;

import java.nio.file.Path;

/**
 * A state file that could not be read.
 *
 * @param file the file
 * @param problem what is wrong with it
 */
public record StateFileProblem(Path file, String problem) {
    @Override
    public String toString() {
        return "state file " + file + " is unreadable: " + problem;
    }
}
