package dev.taskdrivers.docker;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;

/** Registers the {@code docker} driver. Options: see the module README. */
public final class DockerDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return DockerDriver.NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    @Override
    public Driver create(DriverContext context) {
        return new DockerDriver(DockerDriverOptions.parse(context.options()), context.dataDir());
    }
}
