package dev.taskdrivers.hostprocess;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a program in its own session so it outlives the JVM, and records its exit status in a file so a later
 * JVM that reattaches to it still learns how it ended.
 *
 * <p>The program runs under a fixed {@code sh} script that waits for it and writes the status; the program and its
 * arguments are passed to that script as positional parameters and are never parsed by the shell. No pipe links the
 * program to the JVM: stdin is {@code /dev/null}, stdout and stderr go to files.
 */
public final class DetachedLauncher {
    /** Runs "$@", then writes its exit status to the file named by $1 (atomically, through a rename). */
    static final String WRAPPER =
            "status=\"$1\"; shift; \"$@\"; code=$?; echo \"$code\" > \"$status.tmp\" && mv \"$status.tmp\" \"$status\"";

    private DetachedLauncher() {}

    /**
     * Starts {@code argv} detached, with {@code env} added to its environment.
     *
     * @return the wrapper process, which exits right after the program once the status file is written
     */
    public static Process launch(List<String> argv, Map<String, String> env, Path statusFile, Path stdout, Path stderr)
            throws IOException {
        Files.deleteIfExists(statusFile);
        List<String> command =
                new ArrayList<>(List.of("setsid", "sh", "-c", WRAPPER, "taskdrivers-launcher", statusFile.toString()));
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    /** The exit status recorded in {@code statusFile}, when the program has ended. */
    public static Optional<Integer> readStatus(Path statusFile) {
        try {
            return Optional.of(Integer.parseInt(Files.readString(statusFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
