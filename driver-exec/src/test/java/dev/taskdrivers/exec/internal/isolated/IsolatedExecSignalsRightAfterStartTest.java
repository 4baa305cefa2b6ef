package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.exec.SignalsRightAfterStartTest;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** exec tasks get a signal sent right after start, and start with no signal blocked or ignored. */
class IsolatedExecSignalsRightAfterStartTest extends SignalsRightAfterStartTest {

    @Override
    protected DriverFactory factory() {
        return new IsolatedExecDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        IsolationHost.require();
    }

    /** The task's program runs below its init (tini), in the task's cgroup. */
    @Override
    protected int programPid(TaskHandle handle) throws IOException {
        Path procs = Path.of("/sys/fs/cgroup/pids", handle.state().data().get("cgroup"), "cgroup.procs");
        int init = Integer.parseInt(handle.state().data().get("pid"));
        return Files.readAllLines(procs).stream()
                .mapToInt(Integer::parseInt)
                .filter(pid -> pid != init)
                .findFirst()
                .orElseThrow(() -> new IOException("no process but the init in " + procs));
    }
}
