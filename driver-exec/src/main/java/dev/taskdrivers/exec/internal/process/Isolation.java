package dev.taskdrivers.exec.internal.process;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the fork server isolates a task before it executes it (see {@link LaunchSpec#isolatedBy}): new namespaces,
 * the set-up steps (mounts, mount points) made inside the new mount namespace, the hostname. The server answers the launch once this set-up
 * is done, so a failing step fails the launch and nothing is left of it.
 *
 * @param newIpcNamespace whether the task gets its own ipc namespace (mount and uts namespaces it always gets)
 * @param newPidNamespace whether the task is pid 1 of a new pid namespace
 * @param hostname the hostname in the task's uts namespace
 * @param templateSteps mounts and mount points the server makes once in a mount namespace of its own, which every
 *        task's starts as a copy of (made again only when they change); the first step mounts the template's root
 * @param steps mounts and mount points, in order, before the launch is answered
 * @param stepsAfterReady steps taken after the launch was answered and before the task joins its cgroups and runs,
 *        such as creating those cgroups; a failing one ends the task with a set-up error naming it
 * @param leaderReportsSignals whether the task's program is an init (such as tini) that exits 128+N when its child
 *        died of signal N, so such an exit is recorded as that signal
 * @param setupTimeout how long the set-up may take before the launch fails
 * @param entry when not null, the server's child enters the task's root, drops capabilities and switches user itself
 *        before it executes the launch's program (an init), instead of a program doing so after it
 */
public record Isolation(
        boolean newIpcNamespace,
        boolean newPidNamespace,
        String hostname,
        List<SetupStep> templateSteps,
        List<SetupStep> steps,
        List<SetupStep> stepsAfterReady,
        boolean leaderReportsSignals,
        Duration setupTimeout,
        @Nullable IsolatedEntry entry) {
    static final long CLONE_NEWNS = 0x20000;
    static final long CLONE_NEWUTS = 0x04000000;
    static final long CLONE_NEWIPC = 0x08000000;

    public Isolation {
        Objects.requireNonNull(hostname, "hostname");
        templateSteps = List.copyOf(templateSteps);
        steps = List.copyOf(steps);
        stepsAfterReady = List.copyOf(stepsAfterReady);
        Objects.requireNonNull(setupTimeout, "setupTimeout");
    }

    /** An isolation whose program takes the last steps into the task itself. */
    public Isolation(
            boolean newIpcNamespace,
            boolean newPidNamespace,
            String hostname,
            List<SetupStep> templateSteps,
            List<SetupStep> steps,
            List<SetupStep> stepsAfterReady,
            boolean leaderReportsSignals,
            Duration setupTimeout) {
        this(
                newIpcNamespace,
                newPidNamespace,
                hostname,
                templateSteps,
                steps,
                stepsAfterReady,
                leaderReportsSignals,
                setupTimeout,
                null);
    }

    /** The unshare(2) flags of the task's own set-up (the pid namespace is made by the server's fork). */
    long unshareFlags() {
        return CLONE_NEWNS | CLONE_NEWUTS | (newIpcNamespace ? CLONE_NEWIPC : 0);
    }
}
