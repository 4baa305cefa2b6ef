package dev.taskdrivers.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one exception drivers throw. {@link #isRecoverable()} tells the runner whether the same call may succeed when
 * retried (engine restarting, connection refused) or will fail again (bad config, missing image).
 */
public class DriverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final boolean recoverable;

    public DriverException(ErrorCode code, boolean recoverable, String message) {
        this(code, recoverable, message, null);
    }

    public DriverException(ErrorCode code, boolean recoverable, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.recoverable = recoverable;
    }

    public static DriverException fatal(ErrorCode code, String message) {
        return new DriverException(code, false, message);
    }

    public static DriverException fatal(ErrorCode code, String message, Throwable cause) {
        return new DriverException(code, false, message, cause);
    }

    public static DriverException recoverable(ErrorCode code, String message, Throwable cause) {
        return new DriverException(code, true, message, cause);
    }

    public ErrorCode code() {
        return code;
    }

    public boolean isRecoverable() {
        return recoverable;
    }

    @Override
    public String toString() {
        return getClass().getName() + "[" + code + (recoverable ? ", recoverable" : "") + "]: " + getMessage();
    }
}
