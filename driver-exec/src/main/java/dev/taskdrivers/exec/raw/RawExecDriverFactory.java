package dev.taskdrivers.exec.raw;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.internal.raw.RawExecDriver;
import dev.taskdrivers.exec.internal.raw.RawExecOptions;

/** Registers the {@code raw_exec} driver. */
public final class RawExecDriverFactory implements DriverFactory {
    /** The name tasks use: {@code driver = "raw_exec"}. */
    public static final String NAME = "raw_exec";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    /**
     * A new driver. Options: {@code enabled} (default true), {@code fork_server} (default true: tasks start through
     * one Perl fork server per driver, with exact exit statuses; false, or no Perl, gives each task a shell
     * supervisor). A relative data directory is taken relative to this JVM's working directory, once, here.
     *
     * @throws dev.taskdrivers.api.ValidationException naming every bad option
     */
    @Override
    public Driver create(DriverContext context) {
        return new RawExecDriver(context, RawExecOptions.read(context.options()));
    }
}
