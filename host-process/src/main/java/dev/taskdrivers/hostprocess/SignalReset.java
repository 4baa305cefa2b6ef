package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a GNU {@code env} that understands {@code --default-signal} (coreutils 8.31 and later): a command run as
 * {@code env --default-signal ...} gets every signal's default action back. A shell starts background jobs with
 * SIGINT and SIGQUIT ignored and cannot undo what was ignored when it started (a JVM run under {@code nohup} ignores
 * SIGHUP); what the JVM starts would inherit that.
 */
public final class SignalReset {
    private static final Logger LOG = LoggerFactory.getLogger(SignalReset.class);

    private SignalReset() {}

    /** Probed on first use: the JVM initialises the holder once, when {@link #find()} first reads it. */
    private static final class Probed {
        static final Optional<Path> ENV = probe();
    }

    /**
     * The {@code env} to run as {@code env --default-signal}; empty on hosts without one (a warning says so, once).
     * Probed on first use.
     */
    public static Optional<Path> find() {
        return Probed.ENV;
    }

    /** What goes in front of a command so it starts with every signal's default action. */
    public static List<String> prefix(Path env) {
        return List.of(env.toString(), "--default-signal");
    }

    private static Optional<Path> probe() {
        Optional<Path> env = Executables.resolve("env", Executables.DEFAULT_PATH, null);
        if (env.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process probe = new ProcessBuilder(env.get().toString(), "--default-signal", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            probe.getOutputStream().close();
            if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return env;
            }
            probe.destroyForcibly();
            LOG.warn(
                    "{} does not know --default-signal: tasks and execs will ignore the signals their shell or JVM"
                            + " ignored",
                    env.get());
        } catch (IOException e) {
            LOG.warn(
                    "cannot run {}: tasks and execs will ignore the signals their shell or JVM ignored ({})",
                    env.get(),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
