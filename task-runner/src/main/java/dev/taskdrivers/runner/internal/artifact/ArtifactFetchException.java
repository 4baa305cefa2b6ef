package dev.taskdrivers.runner.internal.artifact;

import java.io.Serial;

/**
 * Fetching an artifact failed. Its message says why without credentials (sources are shown through
 * {@link ArtifactSource#display}, header values never). {@link #isTransient} failures (a connection error, HTTP 5xx
 * or 429) are tried again within the same start; {@link #isRecoverable} ones let the task's restart policy try again
 * later, the others (a refused source, an unsafe or too large archive) end the task.
 */
public final class ArtifactFetchException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final boolean recoverable;

    private ArtifactFetchException(String message, boolean transientFailure, boolean recoverable) {
        super(message);
        this.transientFailure = transientFailure;
        this.recoverable = recoverable;
    }

    /** Worth another try at once (after a short wait). */
    public static ArtifactFetchException transientFailure(String message) {
        return new ArtifactFetchException(message, true, true);
    }

    /** Not worth another try in this start, but a later start may succeed (e.g. a wrong checksum, a 404). */
    public static ArtifactFetchException recoverable(String message) {
        return new ArtifactFetchException(message, false, true);
    }

    /** No later start can succeed with this spec and these operator settings. */
    public static ArtifactFetchException permanent(String message) {
        return new ArtifactFetchException(message, false, false);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    public boolean isRecoverable() {
        return recoverable;
    }
}
