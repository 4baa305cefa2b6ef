package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.exec.internal.process.SetupStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** One task's cgroup, in whichever cgroup version the host uses. */
public interface TaskCgroup {

    /** The cgroup's path below the hierarchy roots, e.g. {@code taskdrivers/alloc1-web}. */
    String path();

    /** Creates the cgroup (idempotently) and applies the limits, here and now. */
    default void create(CgroupLimits limits) {
        CgroupFiles.apply(creationSteps(limits));
    }

    /**
     * The steps that create the cgroup and apply the limits, for a task's own set-up to take before it joins (the
     * fork server's child does, after answering the launch); {@link #create} takes the same steps in this JVM.
     * On cgroup v2 the controllers are enabled on the ancestors right away.
     */
    List<SetupStep> creationSteps(CgroupLimits limits);

    /** The {@code cgroup.procs} files a process writes its pid into to join the cgroup in every controller. */
    List<Path> procsFiles();

    /** The processes in the cgroup now; empty when it does not exist. */
    Set<Long> pids();

    /**
     * Kills every process in the cgroup, including ones forked during the kill, and returns once it is empty.
     *
     * @throws dev.taskdrivers.api.DriverException with {@code TIMEOUT} when processes are still there after
     *         {@code timeout}
     */
    void killAll(Duration timeout);

    /** How many times the kernel's OOM killer killed a process of this cgroup. */
    long oomKills();

    /** Memory and cpu used by the cgroup's processes. */
    Usage usage();

    /** Removes the cgroup; it must be empty. Removing a cgroup that is gone is not an error. */
    void remove();

    /** Whether the cgroup exists. */
    boolean exists();

    /**
     * Resource use of a cgroup.
     *
     * @param memoryRssBytes anonymous (resident, not page cache) memory
     * @param cpuNanos cpu time used, user plus system
     */
    record Usage(long memoryRssBytes, long memoryCacheBytes, long memorySwapBytes, long cpuNanos) {}
}
