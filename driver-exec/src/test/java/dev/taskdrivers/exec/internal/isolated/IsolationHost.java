package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.tck.RealEnvironment;

/** The guard of the tests that need the real kernel features: root, the tools and cgroups. */
final class IsolationHost {

    private IsolationHost() {}

    static void require() {
        RealEnvironment.require(
                IsolatedExecFingerprint.of(IsolatedExecOptions.read(java.util.Map.of()))
                        .isHealthy(),
                "root, cgroups with memory, cpu and pids, and util-linux, coreutils and tini (scripts/install-deps.sh): "
                        + IsolatedExecFingerprint.of(IsolatedExecOptions.read(java.util.Map.of()))
                                .description());
    }
}
