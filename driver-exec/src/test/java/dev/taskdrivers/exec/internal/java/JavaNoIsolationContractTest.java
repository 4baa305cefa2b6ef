package dev.taskdrivers.exec.internal.java;

import java.util.Map;

/** The java driver keeps the driver contract without isolation too: the JVMs run as plain host processes. */
class JavaNoIsolationContractTest extends JavaContractTest {

    @Override
    protected void requireEnvironment() {
        JavaHost.requireJdk();
    }

    @Override
    protected Map<String, Object> driverOptions() {
        return Map.of("isolation", "none");
    }

    @Override
    protected String jarPath() {
        return ProbeJars.shared().resolve("probe.jar").toString();
    }
}
