package dev.taskdrivers.exec.internal.isolated;

import java.util.Map;
import org.junit.jupiter.api.Tag;

/** The same capabilities and working directories where a shell supervisor sets each task up. */
@Tag("real")
class IsolatedExecShellSupervisorCapabilitiesTest extends IsolatedExecCapabilitiesTest {

    @Override
    Map<String, Object> baseOptions() {
        return Map.of("fork_server", false);
    }

    @Override
    boolean initRunsAsTheTask() {
        return false;
    }
}
