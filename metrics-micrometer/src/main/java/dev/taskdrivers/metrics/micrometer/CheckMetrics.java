package dev.taskdrivers.metrics.micrometer;

import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckHealth;
import dev.taskdrivers.services.CheckStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The checks of the in-process service registry by their latest status, as the gauge {@value #CHECKS} tagged
 * {@code status} ({@code passing}, {@code warning}, {@code critical}, {@code not_supported}); read when the registry
 * is scraped.
 */
public final class CheckMetrics {
    /** Checks by their latest status. */
    public static final String CHECKS = "taskdrivers.checks";

    private CheckMetrics() {}

    /**
     * Registers the gauges.
     *
     * @param services the in-process registry whose checks are counted
     * @param registry where the gauges go
     */
    public static void bind(InProcessServiceRegistry services, MeterRegistry registry) {
        for (CheckHealth health : CheckHealth.values()) {
            Gauge.builder(CHECKS, services, s -> count(s, health))
                    .description("Checks by their latest status")
                    .tag("status", health.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private static double count(InProcessServiceRegistry services, CheckHealth health) {
        long n = 0;
        for (CheckStatus c : services.checks()) {
            if (c.health() == health) {
                n++;
            }
        }
        return n;
    }
}
