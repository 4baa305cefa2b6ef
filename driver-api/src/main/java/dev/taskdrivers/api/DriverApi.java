package dev.taskdrivers.api;

/** Version constants of the driver SPI, used for the handshake between a runner and a driver. */
public final class DriverApi {
    /**
     * The SPI version this API jar speaks. A factory returns it from {@link DriverFactory#spiVersion()}; since it
     * is a compile-time constant, the value returned is the one the driver was compiled against.
     *
     * <p>Version 2 turned the result types ({@link ExitResult}, {@link StartResult}, ...) from records into classes
     * built through factories and builders, and limited what a driver emits to {@link DriverEvent}s.
     */
    public static final int SPI_VERSION = 2;

    /**
     * The oldest SPI version a runner built with this API still loads. Drivers of version 1 called the result
     * records' constructors, which no longer exist, so they are refused with a message instead of failing at their
     * first call.
     */
    public static final int MIN_SUPPORTED_SPI_VERSION = 2;

    private DriverApi() {}

    /**
     * Whether a driver compiled against {@code version} can be loaded by this API.
     *
     * @param version the driver's {@link DriverFactory#spiVersion()}
     * @return {@code true} when it lies between {@link #MIN_SUPPORTED_SPI_VERSION} and {@link #SPI_VERSION}
     */
    public static boolean supports(int version) {
        return version >= MIN_SUPPORTED_SPI_VERSION && version <= SPI_VERSION;
    }
}
