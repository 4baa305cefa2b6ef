package dev.taskdrivers.runner.fake;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import java.util.Set;

/** Hands out one shared driver (a {@link FakeDriver}), so a test can look at what the runner did with it. */
public final class FakeDriverFactory implements DriverFactory {
    private final Driver driver;

    public FakeDriverFactory(FakeDriver driver) {
        this.driver = driver;
    }

    /** Hands out {@code driver} under the fake driver's name, e.g. a wrapper around a {@link FakeDriver}. */
    public FakeDriverFactory(Driver driver) {
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

    @Override
    public Set<String> secretOptions() {
        return Set.of("key_material");
    }
}
