package dev.taskdrivers.exec.java;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.internal.java.JavaDriver;
import dev.taskdrivers.exec.internal.java.JavaOptions;

/** Creates {@code java} drivers: Java programs run from a jar or a class path, isolated like exec by default. */
public final class JavaDriverFactory implements DriverFactory {
    /** The driver's name in task specs: {@code driver = "java"}. */
    public static final String NAME = "java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    /**
     * A new driver. Options: {@code java_home} (default: {@code JAVA_HOME} of this process, else {@code java} on its
     * {@code PATH}), {@code isolation} ({@code chroot}, the default: as the exec driver, whose options
     * {@code chroot_env}, {@code allow_root}, {@code cgroup_parent}, {@code default_pids_limit} and
     * {@code fork_server} apply; {@code none}: plain host processes as raw_exec runs them, with {@code fork_server}).
     * A relative data directory is taken relative to this JVM's working directory, once, here.
     *
     * @throws dev.taskdrivers.api.ValidationException naming every bad option
     */
    @Override
    public Driver create(DriverContext context) {
        return new JavaDriver(context, JavaOptions.read(context.options()));
    }
}
