package dev.taskdrivers.docker;

/** Short exponential backoff for retrying engine calls in place. */
final class Backoff {
    private static final long BASE_MS = 100;
    private static final long MAX_MS = 2000;

    private Backoff() {}

    /** The delay before retry number {@code attempt} (1-based): 100 ms, 200 ms, 400 ms ... up to 2 s. */
    static long delayMs(int attempt) {
        return Math.min(MAX_MS, BASE_MS << Math.min(10, Math.max(0, attempt - 1)));
    }

    static void sleep(int attempt) {
        try {
            Thread.sleep(delayMs(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw dev.taskdrivers.api.DriverException.fatal(
                    dev.taskdrivers.api.ErrorCode.INTERNAL, "interrupted while backing off", e);
        }
    }
}
