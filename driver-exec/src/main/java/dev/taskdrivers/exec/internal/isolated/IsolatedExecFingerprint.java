package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.exec.internal.cgroup.CgroupSystem;
import dev.taskdrivers.exec.internal.cgroup.CgroupVersion;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.process.LinuxSyscalls;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.util.Map;
import java.util.Objects;

/** Whether this host can isolate tasks: root, the namespace tools, and cgroups with memory, cpu and pids. */
final class IsolatedExecFingerprint {
    /** Which supervisor starts and isolates tasks: {@code fork_server} or {@code shell}. */
    static final String SUPERVISOR_ATTRIBUTE = "driver.exec.supervisor";

    private IsolatedExecFingerprint() {}

    static Fingerprint of(IsolatedExecOptions options) {
        if (effectiveUid() != 0) {
            return Fingerprint.unhealthy("the exec driver must run as root to create namespaces, mounts and"
                    + " cgroups (running as uid " + effectiveUid() + ")");
        }
        IsolationTools.Found tools = IsolationTools.find();
        if (tools.tools().isEmpty()) {
            return Fingerprint.unhealthy("the exec driver needs " + tools.missing() + " on this host"
                    + " (packages util-linux, tini, perl-base)");
        }
        if (LinuxSyscalls.forThisMachine().isEmpty()) {
            return Fingerprint.unhealthy("the exec driver drops task capabilities with prctl(2), whose number is"
                    + " unknown on " + System.getProperty("os.arch"));
        }
        CgroupSystem cgroups;
        try {
            cgroups = CgroupSystem.detect(MountInfo.read(MountInfo.SELF));
        } catch (DriverException | java.io.UncheckedIOException e) {
            return Fingerprint.unhealthy(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
        return Fingerprint.healthy(
                "isolated exec with " + cgroups,
                Map.of(
                        "driver.exec",
                        "1",
                        "driver.exec.cgroup_version",
                        cgroups.version() == CgroupVersion.V1 ? "1" : "2",
                        "driver.exec.chroot_env",
                        String.join(",", options.chrootEnv().values()),
                        SUPERVISOR_ATTRIBUTE,
                        options.usesForkServer() ? "fork_server" : "shell"));
    }

    /** The effective uid of this JVM. */
    static int effectiveUid() {
        return TaskUser.runnerUid();
    }
}
