package dev.taskdrivers.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.taskdrivers.api.DriverFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The contract tests, run against a driver that keeps a ledger, clean up everything each prestart and start created:
 * when they pass, when start throws, and when stopping a task fails.
 */
class DriverContractCleanupTest {
    @BeforeEach
    void emptyTheLedger() {
        RecordingDriverFactory.resetLedger();
    }

    @Test
    void everyPrestartAndStartOfThePassingContractIsCleanedUp() {
        TestExecutionSummary summary = run(RecordingContract.class);

        assertThat(summary.getTestsFailedCount())
                .as("failures %s", summary.getFailures())
                .isZero();
        // the two validation checks prestart nothing they keep; every other test prestarts at least once
        assertThat(RecordingDriverFactory.PRESTARTS.get()).isGreaterThanOrEqualTo(6);
        assertThat(RecordingDriverFactory.OUTSTANDING)
                .as("created and never cleaned up")
                .isEmpty();
    }

    @Test
    void whatPrestartCreatedIsCleanedUpWhenStartThrows() {
        TestExecutionSummary summary = run(FailingStartContract.class);

        assertThat(summary.getTestsFailedCount()).isPositive();
        assertThat(RecordingDriverFactory.PRESTARTS.get()).isPositive();
        assertThat(RecordingDriverFactory.STARTS.get()).isZero();
        assertThat(RecordingDriverFactory.OUTSTANDING)
                .as("created and never cleaned up")
                .isEmpty();
    }

    @Test
    void everyTaskIsCleanedUpWhenStoppingTasksFailsAndTheFailureIsReported() {
        TestExecutionSummary summary = run(FailingStopContract.class);

        assertThat(summary.getFailures())
                .extracting(f -> f.getException().getMessage())
                .anySatisfy(m -> assertThat(m).contains("could not stop task"));
        assertThat(RecordingDriverFactory.STARTS.get()).isPositive();
        assertThat(RecordingDriverFactory.OUTSTANDING)
                .as("created and never cleaned up")
                .isEmpty();
    }

    private static TestExecutionSummary run(Class<?> contract) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(contract))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    /** The contract for the recording driver; run only through {@link #run}. */
    static class RecordingContract extends DriverContractTest {
        @Override
        protected DriverFactory factory() {
            return new RecordingDriverFactory();
        }

        @Override
        protected void requireEnvironment() {}

        @Override
        protected Optional<Map<String, Object>> exitingWith(int code) {
            return Optional.of(Map.of("exit", (long) code));
        }

        @Override
        protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
            return Optional.of(Map.of("env_name", name, "env_value", value));
        }

        @Override
        protected Optional<Map<String, Object>> runningUntilStopped() {
            return Optional.of(Map.of("run", true));
        }

        @Override
        protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
            return Optional.empty();
        }

        @Override
        protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
            return Optional.empty();
        }

        @Override
        protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
            return Optional.empty();
        }

        @Override
        protected Optional<List<String>> execPrinting(String text, int code) {
            return Optional.empty();
        }

        @Override
        protected Optional<InvalidConfig> invalidConfig() {
            return Optional.of(
                    new InvalidConfig(Map.of("bogus", 1L, "other", 2L), Set.of("config.bogus", "config.other")));
        }
    }

    /** The same contract for a driver whose starts throw after prestart. */
    static class FailingStartContract extends RecordingContract {
        @Override
        protected Map<String, Object> driverOptions() {
            return Map.of("fail_start", true);
        }
    }

    /** The same contract for a driver whose stops fail. */
    static class FailingStopContract extends RecordingContract {
        @Override
        protected Map<String, Object> driverOptions() {
            return Map.of("fail_stop", true);
        }
    }
}
