package dev.taskdrivers.api;

import java.util.Set;

/**
 * Creates drivers of one kind. Registered in {@code META-INF/services/dev.taskdrivers.api.DriverFactory}.
 *
 * <p>Factories must be stateless: {@link #create} returns a new driver on every call, so two runners in one
 * process never share a configured driver.
 */
public interface DriverFactory {

    /** The driver name used in task specs, such as {@code docker} or {@code raw_exec}. Unique per process. */
    String name();

    /**
     * The SPI version the driver was compiled against. Implement it as {@code return DriverApi.SPI_VERSION;} so
     * the constant is inlined at compile time and the runner can refuse a driver built for another API.
     */
    int spiVersion();

    /** Creates a new, independent driver. */
    Driver create(DriverContext context);

    /** Names of options in {@link DriverContext#options()} whose values are secrets and must be masked. */
    default Set<String> secretOptions() {
        return Set.of();
    }
}
