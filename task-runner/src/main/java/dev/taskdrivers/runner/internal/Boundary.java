package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the runner calls code it does not own: drivers (and their factories) and service registries.
 * A driver may throw only {@link DriverException}; anything else it throws, a bug's RuntimeException or an Error, is
 * turned into a fatal {@link DriverException} with code {@link ErrorCode#INTERNAL} and the cause, so the task that
 * made the call ends with a Driver Failure instead of being left pending for ever. A registry call never throws: its
 * failure is returned for the caller to report, and the task goes on being watched.
 */
final class Boundary {
    private static final Logger LOG = LoggerFactory.getLogger(Boundary.class);

    private Boundary() {}

    /** Calls a driver: returns what it returns, or throws a {@link DriverException}, nothing else. */
    static <T> T driver(String driverName, String call, Supplier<T> body) {
        try {
            return body.get();
        } catch (DriverException e) {
            throw e;
        } catch (Throwable t) { // a driver's bug must end the task, not strand it
            throw unexpected(driverName, call, t);
        }
    }

    /** Calls a driver for its side effect; see {@link #driver(String, String, Supplier)}. */
    static void driverRun(String driverName, String call, Runnable body) {
        driver(driverName, call, () -> {
            body.run();
            return null;
        });
    }

    /** The exception that stands for anything but a {@link DriverException} thrown by a driver. */
    static DriverException unexpected(String driverName, String call, Throwable t) {
        LOG.error("driver {} failed unexpectedly in {}", driverName, call, t);
        return new DriverException(
                ErrorCode.INTERNAL, false, "driver " + driverName + " failed unexpectedly in " + call + ": " + t, t);
    }

    /** Calls the service registry; returns why it failed, if it did. */
    static Optional<String> registry(String call, Runnable body) {
        try {
            body.run();
            return Optional.empty();
        } catch (Throwable t) { // a registry failure must never detach a task from its supervisor
            LOG.error("the service registry failed in {}", call, t);
            return Optional.of(t.toString());
        }
    }
}
