package dev.taskdrivers.exec.internal.isolated;

import java.util.Map;
import org.junit.jupiter.api.Tag;

/** The same secrets directory where a shell supervisor sets each task up. */
@Tag("real")
class IsolatedExecShellSupervisorSecretsTest extends IsolatedExecSecretsTest {

    @Override
    Map<String, Object> driverOptions() {
        return Map.of("fork_server", false);
    }
}
