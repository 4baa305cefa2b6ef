package dev.taskdrivers.qemu;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.qemu.internal.QemuDriver;
import dev.taskdrivers.qemu.internal.QemuDriverOptions;

/** Registers the {@code qemu} driver. */
public final class QemuDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return QemuDriver.NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    @Override
    public Driver create(DriverContext context) {
        return new QemuDriver(QemuDriverOptions.from(context));
    }
}
