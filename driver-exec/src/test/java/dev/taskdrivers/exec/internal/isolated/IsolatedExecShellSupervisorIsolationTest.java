package dev.taskdrivers.exec.internal.isolated;

import java.util.Map;
import org.junit.jupiter.api.Tag;

/**
 * The same isolation promises where no fork server can be used: a shell supervisor per task running unshare, tini,
 * mount and chroot in turn.
 */
@Tag("real")
class IsolatedExecShellSupervisorIsolationTest extends IsolatedExecIsolationTest {

    @Override
    Map<String, Object> driverOptions() {
        return Map.of("fork_server", false);
    }
}
