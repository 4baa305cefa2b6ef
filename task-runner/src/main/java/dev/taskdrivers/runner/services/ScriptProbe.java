package dev.taskdrivers.runner.services;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.services.CheckHealth;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Runs a command inside the task through its handle's exec: exit 0 passing, 1 warning, anything else critical. */
final class ScriptProbe implements CheckProbe {
    /** Enough output to say what went wrong, small enough to keep in memory for every check. */
    private static final int OUTPUT_LIMIT = 4096;

    private final @Nullable TaskHandle handle;
    private final List<String> argv;
    private final Duration timeout;

    ScriptProbe(@Nullable TaskHandle handle, List<String> argv, Duration timeout) {
        this.handle = handle;
        this.argv = List.copyOf(argv);
        this.timeout = timeout;
    }

    @Override
    public ProbeResult run() {
        if (handle == null) {
            return ProbeResult.critical("the task has no handle to run the script in");
        }
        ExecResult r;
        try {
            r = handle.exec(new ExecRequest(argv, timeout, OUTPUT_LIMIT));
        } catch (DriverException e) {
            return ProbeResult.critical("script could not run: " + e.getMessage());
        }
        if (r.timedOut()) {
            return ProbeResult.critical("script timed out after " + timeout.toMillis() + "ms");
        }
        String output = (r.stdout() + r.stderr()).strip();
        CheckHealth health = switch (r.exitCode()) {
            case 0 -> CheckHealth.PASSING;
            case 1 -> CheckHealth.WARNING;
            default -> CheckHealth.CRITICAL;
        };
        return new ProbeResult(health, "exit code " + r.exitCode() + (output.isEmpty() ? "" : ": " + output));
    }
}
