package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.exec.java.JavaDriverFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A java task: the handle of the exec machinery that runs its JVM, whose persisted state names the java driver and
 * records which machinery (and its state format) to hand it back to on recovery.
 */
final class JavaTaskHandle implements TaskHandle {
    static final int STATE_VERSION = 1;
    static final String ISOLATION = "java.isolation";
    static final String MACHINERY = "java.machinery";
    static final String MACHINERY_VERSION = "java.machinery_version";

    private final TaskHandle machinery;
    private final JavaIsolation isolation;

    JavaTaskHandle(TaskHandle machinery, JavaIsolation isolation) {
        this.machinery = machinery;
        this.isolation = isolation;
    }

    @Override
    public HandleState state() {
        HandleState inner = machinery.state();
        Map<String, String> data = new LinkedHashMap<>(inner.data());
        data.put(ISOLATION, isolation.text());
        data.put(MACHINERY, inner.driver());
        data.put(MACHINERY_VERSION, Integer.toString(inner.version()));
        return new HandleState(JavaDriverFactory.NAME, STATE_VERSION, data);
    }

    /**
     * The machinery's own state out of a java handle state started with {@code isolation}.
     *
     * @throws DriverException ({@link ErrorCode#INVALID_CONFIG}) when it is no java state, or one of the other
     *         isolation
     */
    static HandleState machineryState(HandleState state, JavaIsolation isolation) {
        if (!JavaDriverFactory.NAME.equals(state.driver()) || state.version() != STATE_VERSION) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "handle state of driver " + state.driver() + " version " + state.version()
                            + " is not a java state (version " + STATE_VERSION + ")");
        }
        String startedWith = state.require(ISOLATION);
        if (!startedWith.equals(isolation.text())) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG,
                    "the task was started with isolation = \"" + startedWith + "\" and this driver runs with isolation"
                            + " = \"" + isolation.text() + "\": it cannot take the task over");
        }
        int version;
        try {
            version = Integer.parseInt(state.require(MACHINERY_VERSION));
        } catch (NumberFormatException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "java handle state: " + MACHINERY_VERSION + " is no number", e);
        }
        String driver = state.require(MACHINERY);
        Map<String, String> data = new LinkedHashMap<>(state.data());
        data.remove(ISOLATION);
        data.remove(MACHINERY_VERSION);
        data.remove(MACHINERY);
        return new HandleState(driver, version, data);
    }

    @Override
    public CompletableFuture<ExitResult> exitFuture() {
        return machinery.exitFuture();
    }

    @Override
    public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
        return machinery.stop(timeout, signal);
    }

    @Override
    public void signal(String signal) {
        machinery.signal(signal);
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        return machinery.exec(request);
    }

    @Override
    public TaskStats stats() {
        return machinery.stats();
    }

    @Override
    public void close() {
        machinery.close();
    }

    @Override
    public String toString() {
        return "java task (" + isolation.text() + ") " + machinery;
    }
}
