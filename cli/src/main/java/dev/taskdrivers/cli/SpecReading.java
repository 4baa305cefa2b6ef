package dev.taskdrivers.cli;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobValidator;
import dev.taskdrivers.runner.spec.JobVariables;
import dev.taskdrivers.runner.spec.SpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Reads and validates a spec file for the commands, and prints its problems. */
final class SpecReading {

    private SpecReading() {}

    /** Reads and validates; each warning (what the runner ignores, at its path) is printed to {@code err} first. */
    static JobSpec read(Path file, JobValidator validator, JobVariables variables, PrintWriter err) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new UnreadableSpecException("cannot read spec " + file + ": " + e);
        }
        try {
            return validator.parseAndValidate(
                    new SpecParser().withVariables(variables), json, w -> err.println("warning: " + w));
        } finally {
            err.flush();
        }
    }

    static void printProblems(PrintWriter err, Path file, ValidationException e) {
        err.printf("%s has %d problem(s):%n", file, e.problems().size());
        for (ValidationProblem p : e.problems()) {
            err.println("  " + p);
        }
        err.flush();
    }

    static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch directory left in the temp dir is harmless
        }
    }

    /** The spec file cannot be read at all. */
    static final class UnreadableSpecException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableSpecException(String message) {
            super(message);
        }
    }
}
