package dev.taskdrivers.api;

/** Version constants of the driver SPI, used for the handshake between a runner and a driver. */
public final class DriverApi {
    /**
     * The SPI version this API jar speaks. A factory returns it from {@link DriverFactory#spiVersion()}; since it
     * is a compile-time constant, the value returned is the one the driver was compiled against.
     */
    public static final int SPI_VERSION = 1;

    /** The oldest SPI version a runner built with this API still loads. */
    public static final int MIN_SUPPORTED_SPI_VERSION = 1;

    private DriverApi() {
    }

    /** Whether a driver compiled against {@code version} can be loaded by this API. */
    public static boolean supports(int version) {
        return version >= MIN_SUPPORTED_SPI_VERSION && version <= SPI_VERSION;
    }
}
