package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.hostprocess.CommandResult;
import dev.taskdrivers.hostprocess.CommandRunner;
import dev.taskdrivers.hostprocess.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rkt commands the driver uses, each run from an argument list, with rkt's failures turned into exceptions. */
final class RktCli {
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final int OUTPUT_LIMIT = 256 * 1024;
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final String rkt;
    private final CommandRunner commands = new CommandRunner();

    RktCli(String rkt) {
        this.rkt = rkt;
    }

    String path() {
        return rkt;
    }

    /** The raw output of {@code rkt version}; throws when rkt cannot be run. */
    CommandResult version() throws IOException {
        return runChecked(RktCommands.version(rkt), Duration.ofSeconds(10), OUTPUT_LIMIT);
    }

    void trust(String prefix) {
        CommandResult r = run(RktCommands.trust(rkt, prefix), QUICK);
        if (!r.ok()) {
            throw DriverException.fatal(ErrorCode.EXTERNAL, "rkt trust --prefix=" + prefix + " failed: " + r.message());
        }
    }

    /** Runs {@code rkt prepare} and returns the pod UUID it printed. */
    String prepare(List<String> argv, Duration timeout, String image) {
        CommandResult r = run(argv, timeout);
        if (r.timedOut()) {
            throw new DriverException(
                    ErrorCode.TIMEOUT,
                    true,
                    "rkt prepare of " + image + " did not finish within " + timeout.toSeconds() + " s",
                    null);
        }
        if (r.exitCode() != 0) {
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL,
                    "rkt prepare of " + image + " failed (exit " + r.exitCode() + "): " + r.message());
        }
        // rkt prints the UUID as the last line of stdout; progress goes to stderr.
        List<String> lines = r.stdout().strip().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        if (!UUID.matcher(last).matches()) {
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL,
                    "rkt prepare of " + image + " printed no pod UUID: \""
                            + r.stdout().strip() + "\"");
        }
        return last;
    }

    /** Starts {@code rkt run-prepared} in its own session, so the pod outlives the runner's JVM. */
    Process runPrepared(List<String> argv, Path stdout, Path stderr) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("setsid"));
        command.addAll(argv);
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    /** The pod's status, or empty when rkt does not know the pod. */
    Optional<PodStatus> status(String uuid) {
        CommandResult r = run(RktCommands.statusJson(rkt, uuid), QUICK);
        if (!r.ok()) {
            if (unknownPod(r)) {
                return Optional.empty();
            }
            throw new DriverException(ErrorCode.EXTERNAL, true, "rkt status " + uuid + " failed: " + r.message(), null);
        }
        try {
            return Optional.of(PodStatus.parseJson(r.stdout()));
        } catch (IOException e) {
            throw new DriverException(
                    ErrorCode.EXTERNAL, true, "rkt status " + uuid + " printed unreadable JSON: " + e.getMessage(), e);
        }
    }

    /** The text form of {@code rkt status}, which carries the app exit codes; empty when the pod is unknown. */
    Optional<String> statusText(String uuid) {
        CommandResult r = run(RktCommands.status(rkt, uuid), QUICK);
        if (!r.ok()) {
            if (unknownPod(r)) {
                return Optional.empty();
            }
            throw new DriverException(ErrorCode.EXTERNAL, true, "rkt status " + uuid + " failed: " + r.message(), null);
        }
        return Optional.of(r.stdout());
    }

    CommandResult enter(String uuid, List<String> command, Duration timeout, int outputLimit) {
        try {
            return runChecked(RktCommands.enter(rkt, uuid, command), timeout, outputLimit);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** Stops the pod; a pod that is gone already is not an error. */
    void stop(String uuid, boolean force) {
        CommandResult r = run(RktCommands.stop(rkt, uuid, force), QUICK);
        if (!r.ok() && !unknownPod(r)) {
            throw new DriverException(ErrorCode.EXTERNAL, true, "rkt stop " + uuid + " failed: " + r.message(), null);
        }
    }

    /** Removes the pod; false when rkt refused (e.g. still running); a pod that is gone already counts as removed. */
    boolean rm(String uuid) {
        CommandResult r = run(RktCommands.rm(rkt, uuid), QUICK);
        return r.ok() || unknownPod(r);
    }

    private CommandResult run(List<String> argv, Duration timeout) {
        try {
            return runChecked(argv, timeout, OUTPUT_LIMIT);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code argv}; a program that is not there is an {@link IOException}, not a failed command. */
    private CommandResult runChecked(List<String> argv, Duration timeout, int outputLimit) throws IOException {
        if (Executables.resolve(argv.get(0), System.getenv("PATH"), null).isEmpty()) {
            throw new IOException(argv.get(0) + " is no executable file");
        }
        return commands.run(argv, timeout, outputLimit);
    }

    private DriverException unavailable(IOException e) {
        return DriverException.fatal(ErrorCode.DRIVER_UNAVAILABLE, "cannot run " + rkt + ": " + e.getMessage(), e);
    }

    private static boolean unknownPod(CommandResult r) {
        return r.message().contains("no matches found");
    }
}
