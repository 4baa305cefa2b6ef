package dev.taskdrivers.runner.faults;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.runner.fake.FakeDriver;

/** Hands out one shared {@link FaultyDriver}. */
final class FaultyDriverFactory implements DriverFactory {
    private final FaultyDriver driver;

    FaultyDriverFactory(FaultyDriver driver) {
        this.driver = driver;
    }

    @Override
    public String name() {
        return FakeDriver.NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    @Override
    public Driver create(DriverContext context) {
        return driver;
    }
}
