package dev.taskdrivers.rkt;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.rkt.internal.RktDriver;
import dev.taskdrivers.rkt.internal.RktDriverOptions;

/** Registers the {@code rkt} driver. */
public final class RktDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return RktDriver.NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    @Override
    public Driver create(DriverContext context) {
        return new RktDriver(RktDriverOptions.from(context));
    }
}
