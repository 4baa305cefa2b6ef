package dev.taskdrivers.consul;

import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.tck.RealEnvironment;

/** Skips (fails under CI) unless the runner has a healthy raw_exec driver. */
final class RealEnvironmentRawExec {
    private RealEnvironmentRawExec() {}

    static void require(TaskRunner runner) {
        boolean healthy = runner.drivers().has("raw_exec")
                && runner.drivers().driver("raw_exec").fingerprint().isHealthy();
        RealEnvironment.require(healthy, "a healthy raw_exec driver");
    }
}
