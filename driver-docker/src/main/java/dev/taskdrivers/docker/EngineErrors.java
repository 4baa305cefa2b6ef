package dev.taskdrivers.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.Locale;

/** Turns what docker-java throws into {@link DriverException}s, deciding which failures are worth retrying. */
final class EngineErrors {

    private EngineErrors() {}

    /** Wraps {@code e} with {@code action} (e.g. "create container web-1") as context. */
    static DriverException translate(String action, Throwable e) {
        if (e instanceof DriverException d) {
            return d;
        }
        String reason = reason(e);
        if (e instanceof NotFoundException) {
            return DriverException.fatal(ErrorCode.NOT_FOUND, action + ": " + reason, e);
        }
        if (isRecoverable(e)) {
            return DriverException.recoverable(ErrorCode.EXTERNAL, action + ": " + reason, e);
        }
        if (e instanceof DockerException de && (de.getHttpStatus() == 401 || de.getHttpStatus() == 403)) {
            return DriverException.fatal(ErrorCode.AUTHENTICATION, action + ": " + reason, e);
        }
        return DriverException.fatal(ErrorCode.EXTERNAL, action + ": " + reason, e);
    }

    /** Server errors (5xx) and connection failures may pass when tried again; client errors (4xx) will not. */
    static boolean isRecoverable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DockerException de) {
                return de.getHttpStatus() >= 500;
            }
            if (t instanceof ConnectException
                    || t instanceof SocketException
                    || t instanceof UncheckedIOException
                    || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the engine said the thing does not exist. */
    static boolean isNotFound(Throwable e) {
        return e instanceof NotFoundException || (e instanceof DockerException de && de.getHttpStatus() == 404);
    }

    /** Whether the engine refused because of a conflict (name in use, image in use). */
    static boolean isConflict(Throwable e) {
        return e instanceof DockerException de && de.getHttpStatus() == 409;
    }

    /** A one-line reason: the engine's message without docker-java's "Status 500: " prefix and JSON wrapping. */
    static String reason(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null && cause != e ? reason(cause) : e.getClass().getSimpleName();
        }
        String m = message.strip();
        m = m.replaceFirst("^Status \\d+: ", "");
        m = m.replaceFirst("^\\{\"message\":\"(.*)\"}$", "$1");
        return m.replace("\\n", " ").replace("\n", " ").strip();
    }

    /** Whether a message from the engine or a registry means the credentials were refused. */
    static boolean meansUnauthorized(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("unauthorized")
                || m.contains("authentication required")
                || m.contains("denied")
                || m.contains("no basic auth credentials");
    }

    /** Whether a message from the engine or a registry means the image does not exist. */
    static boolean meansUnknownImage(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("manifest unknown")
                || m.contains("not found")
                || m.contains("no such image")
                || m.contains("does not exist");
    }
}
