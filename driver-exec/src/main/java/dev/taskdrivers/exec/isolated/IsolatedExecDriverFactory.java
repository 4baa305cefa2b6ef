package dev.taskdrivers.exec.isolated;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverApi;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecDriver;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecOptions;

/** Creates {@code exec} drivers: tasks in a chroot of read-only bind mounts, namespaces and a cgroup. */
public final class IsolatedExecDriverFactory implements DriverFactory {
    /** The driver's name in task specs. */
    public static final String NAME = "exec";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int spiVersion() {
        return DriverApi.SPI_VERSION;
    }

    /**
     * A new driver. Options: {@code chroot_env} (host path to chroot path, default the usual system directories),
     * {@code allow_root} (default false), {@code cgroup_parent} (default {@code taskdrivers}),
     * {@code default_pids_limit} (default 4096), {@code fork_server} (default true: one Perl fork server per driver
     * isolates each task itself; false gives each task a shell supervisor and a chain of unshare, mount and chroot).
     * A relative data directory is taken relative to this JVM's working directory, once, here.
     *
     * @throws dev.taskdrivers.api.ValidationException when the options are invalid
     */
    @Override
    public Driver create(DriverContext context) {
        return new IsolatedExecDriver(context, IsolatedExecOptions.read(context.options()));
    }
}
