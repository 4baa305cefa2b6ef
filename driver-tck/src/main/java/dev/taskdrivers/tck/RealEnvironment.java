package dev.taskdrivers.tck;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need a real engine, agent or hypervisor. On a developer machine without it the test is skipped
 * with the reason; under {@code CI=true} it fails, so a CI run can never pass by skipping.
 */
public final class RealEnvironment {

    private RealEnvironment() {}

    /** Whether the {@code CI} environment variable is {@code true}. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the test (fails it under CI) unless {@code available}.
     *
     * @param available whether the service answered
     * @param what what is missing and how to get it, e.g. "a Docker engine (run scripts/start-services.sh)"
     */
    public static void require(boolean available, String what) {
        if (available) {
            return;
        }
        String message = "this test needs " + what;
        if (isCi()) {
            Assertions.fail(message + " (CI=true: a missing service is a failure, not a skip)");
        }
        Assumptions.abort(message);
    }
}
