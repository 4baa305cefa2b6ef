package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.ShellTaskContractTest;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.tck.InvalidConfig;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** raw_exec keeps the driver contract, with /bin/sh scripts as tasks. */
class RawExecContractTest extends ShellTaskContractTest {

    @Override
    protected DriverFactory factory() {
        return new RawExecDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        RealEnvironment.require(
                Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/setsid")),
                "Linux with /bin/sh and setsid (util-linux)");
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("args", "not-a-list", "bogus", true), Set.of("config.command", "config.args", "config.bogus")));
    }
}
