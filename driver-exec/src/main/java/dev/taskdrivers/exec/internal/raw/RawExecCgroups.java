package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.exec.internal.cgroup.CgroupLimits;
import dev.taskdrivers.exec.internal.cgroup.CgroupParent;
import dev.taskdrivers.exec.internal.cgroup.CgroupSystem;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.cgroup.TaskCgroup;
import dev.taskdrivers.exec.internal.process.SetupStep;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups of raw_exec tasks: one per start, {@code <cgroup_parent>/<launch name>}, with the task's memory and cpu
 * limits, when this runner can make them (root, and the memory, cpu and pids controllers in a writable hierarchy).
 * Where it cannot, tasks run in the runner's cgroup as before; the reason is kept for the fingerprint.
 */
final class RawExecCgroups {
    private static final Logger LOG = LoggerFactory.getLogger(RawExecCgroups.class);

    private final String parent;
    private final @Nullable CgroupSystem system;
    private final String unavailable;

    private RawExecCgroups(String parent, @Nullable CgroupSystem system, String unavailable) {
        this.parent = parent;
        this.system = system;
        this.unavailable = unavailable;
    }

    /** Looks at this host once; says why when tasks get no cgroups (logged here, once per driver). */
    static RawExecCgroups detect(String parent, int runnerUid, Supplier<MountInfo> mounts) {
        RawExecCgroups found = probe(parent, runnerUid, mounts);
        if (found.system == null) {
            LOG.warn("raw_exec tasks run in the runner's cgroup, without limits of their own: {}", found.unavailable);
        } else {
            LOG.info("raw_exec tasks each get a cgroup below {} ({})", parent, found.system);
        }
        return found;
    }

    static RawExecCgroups probe(String parent, int runnerUid, Supplier<MountInfo> mounts) {
        if (runnerUid != 0) {
            return new RawExecCgroups(parent, null, "making cgroups needs root, the runner runs as uid " + runnerUid);
        }
        CgroupSystem system;
        try {
            // raw_exec ignores cores, so its tasks stay in their parent's cpuset
            system = CgroupSystem.detect(mounts.get()).withoutCpuset();
        } catch (DriverException | UncheckedIOException e) {
            return new RawExecCgroups(parent, null, Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
        for (Path root : system.requiredRoots()) {
            if (!Files.isWritable(root)) {
                return new RawExecCgroups(parent, null, "the cgroup hierarchy at " + root + " is not writable");
            }
        }
        return new RawExecCgroups(parent, system, "");
    }

    /** The host's cgroups, when tasks get one each. */
    Optional<CgroupSystem> system() {
        return Optional.ofNullable(system);
    }

    /** Why tasks get no cgroup of their own; empty when they do. */
    String unavailableReason() {
        return unavailable;
    }

    String parent() {
        return parent;
    }

    /** The cgroup path of the start named {@code launchName}. */
    String pathOf(String launchName) {
        return parent + "/" + launchName;
    }

    /**
     * The cgroup of the start named {@code launchName} and the steps that create it with the task's limits, for the
     * task to take before it joins it; empty when tasks get none here, or these steps cannot be worked out (said in
     * the log: the task then runs without it).
     */
    Optional<Planned> plan(String launchName, Resources resources) {
        if (system == null) {
            return Optional.empty();
        }
        TaskCgroup cgroup = system.cgroup(pathOf(launchName));
        try {
            return Optional.of(new Planned(cgroup, cgroup.creationSteps(limits(resources))));
        } catch (DriverException e) {
            LOG.warn("cannot create cgroup {}, the task runs without it: {}", cgroup.path(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Creates the cgroup of the start named {@code launchName} with the task's memory and cpu limits, here and now;
     * empty when tasks get none here, or this one could not be made (said in the log: the task then runs without it).
     */
    Optional<TaskCgroup> create(String launchName, Resources resources) {
        if (system == null) {
            return Optional.empty();
        }
        TaskCgroup cgroup = system.cgroup(pathOf(launchName));
        try {
            cgroup.create(limits(resources));
            return Optional.of(cgroup);
        } catch (DriverException e) {
            LOG.warn("cannot create cgroup {}, the task runs without it: {}", cgroup.path(), e.getMessage());
            try {
                cgroup.remove();
            } catch (DriverException again) {
                LOG.warn("cannot remove cgroup {}: {}", cgroup.path(), again.getMessage());
            }
            return Optional.empty();
        }
    }

    /** No pids limit and no reserved cores: raw_exec has neither option. */
    private static CgroupLimits limits(Resources resources) {
        return CgroupLimits.of(resources, 0).withoutCores();
    }

    /**
     * The existing cgroup at {@code path}, which a task's state or resources name; empty when tasks get no cgroups
     * here now.
     *
     * @throws IllegalArgumentException when the path is not below this driver's parent
     */
    Optional<TaskCgroup> existing(String path) {
        if (!CgroupParent.holds(parent, path)) {
            throw new IllegalArgumentException("cgroup " + path + " is not below this driver's " + parent);
        }
        return system().map(s -> s.cgroup(path));
    }

    /** A task cgroup not made yet, and the steps that make it. */
    record Planned(TaskCgroup cgroup, List<SetupStep> steps) {}
}
