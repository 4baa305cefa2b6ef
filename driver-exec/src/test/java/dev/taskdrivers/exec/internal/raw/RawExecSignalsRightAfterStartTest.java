package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.exec.SignalsRightAfterStartTest;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;

/** raw_exec tasks get a signal sent right after start, and start with no signal blocked or ignored. */
class RawExecSignalsRightAfterStartTest extends SignalsRightAfterStartTest {

    @Override
    protected DriverFactory factory() {
        return new RawExecDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        RealEnvironment.require(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid (util-linux)");
    }

    /** The task's leader runs its program itself. */
    @Override
    protected int programPid(TaskHandle handle) {
        return Integer.parseInt(handle.state().data().get("pid"));
    }
}
