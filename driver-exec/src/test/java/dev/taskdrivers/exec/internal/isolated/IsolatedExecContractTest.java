package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.ShellTaskContractTest;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import dev.taskdrivers.tck.InvalidConfig;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** exec keeps the driver contract, with /bin/sh scripts run inside the chroot as nobody. */
class IsolatedExecContractTest extends ShellTaskContractTest {

    @Override
    protected DriverFactory factory() {
        return new IsolatedExecDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        IsolationHost.require();
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("args", "not-a-list", "pid_mode", "shared"),
                Set.of("config.command", "config.args", "config.pid_mode")));
    }
}
