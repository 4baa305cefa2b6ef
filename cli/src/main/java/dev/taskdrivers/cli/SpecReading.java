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
import java.util.List;
import java.util.stream.Stream;

/** Reads and validates a spec file for the commands, and prints its problems. */
final class SpecReading {

    private SpecReading() {}

    /**
     * Reads and validates for running here; each warning (what the runner ignores, at its path) is printed to
     * {@code err} first. A problem this node has with the job is one of its problems.
     */
    static JobSpec read(Path file, JobValidator validator, JobVariables variables, PrintWriter err) {
        String text = text(file);
        try {
            return validator.parseAndValidate(
                    new SpecParser().withVariables(variables), text, w -> err.println("warning: " + w));
        } finally {
            err.flush();
        }
    }

    /**
     * Reads and validates the job itself, like {@link #read}, but a problem this node has with a valid job (a
     * program, device or volume it lacks) is printed to {@code err} as a warning of this node and counted in
     * {@code nodeProblems}.
     */
    static JobSpec readJob(
            Path file,
            JobValidator validator,
            JobVariables variables,
            PrintWriter err,
            List<ValidationProblem> nodeProblems) {
        String text = text(file);
        try {
            return validator.parseAndValidate(
                    new SpecParser().withVariables(variables), text, w -> err.println("warning: " + w), p -> {
                        err.println("warning: this node: " + p);
                        nodeProblems.add(p);
                    });
        } finally {
            err.flush();
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UnreadableSpecException("cannot read spec " + file + ": " + e);
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
