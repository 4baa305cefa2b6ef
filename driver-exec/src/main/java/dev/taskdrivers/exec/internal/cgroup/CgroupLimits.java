package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.Resources;
import java.util.Objects;

/**
 * The limits of one task's cgroup.
 *
 * @param memoryBytes hard memory limit; swap is not allowed on top of it
 * @param cpuShares relative cpu weight in cgroup v1 shares (2-262144), from the task's MHz
 * @param pidsMax how many processes and threads the task may have at once; 0 for no limit
 * @param memorySoftBytes the memory the kernel reclaims the task towards under pressure (v1
 *     {@code memory.soft_limit_in_bytes}, v2 {@code memory.low}); 0 for none
 * @param cpus the cores the task runs on alone, in cpuset notation ({@code 0-1}); empty for any
 */
public record CgroupLimits(long memoryBytes, long cpuShares, long pidsMax, long memorySoftBytes, String cpus) {
    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262_144;
    private static final long MIB = 1024L * 1024L;

    public CgroupLimits {
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be positive: " + memoryBytes);
        }
        if (cpuShares < MIN_SHARES || cpuShares > MAX_SHARES) {
            throw new IllegalArgumentException("cpuShares must be 2-262144: " + cpuShares);
        }
        if (pidsMax < 0) {
            throw new IllegalArgumentException("pidsMax must not be negative: " + pidsMax);
        }
        if (memorySoftBytes < 0 || memorySoftBytes > memoryBytes) {
            throw new IllegalArgumentException("memorySoftBytes must be 0 to memoryBytes: " + memorySoftBytes);
        }
        Objects.requireNonNull(cpus, "cpus");
    }

    /** Limits without a soft memory limit or reserved cores. */
    public CgroupLimits(long memoryBytes, long cpuShares, long pidsMax) {
        this(memoryBytes, cpuShares, pidsMax, 0, "");
    }

    /**
     * Memory and cpu from the task's resources (one share per MHz, as Nomad does), pids as given. With a memory
     * maximum, that is the hard limit and the task's memory the soft one, as Nomad's oversubscription does.
     */
    public static CgroupLimits of(Resources resources, long pidsMax) {
        long shares = Math.max(MIN_SHARES, Math.min(MAX_SHARES, resources.cpuMhz()));
        long soft = resources.memoryMaxMb() > 0 ? resources.memoryMb() * MIB : 0;
        return new CgroupLimits(resources.memoryLimitMb() * MIB, shares, pidsMax, soft, resources.cpuset());
    }

    /** These limits without reserved cores. */
    public CgroupLimits withoutCores() {
        return new CgroupLimits(memoryBytes, cpuShares, pidsMax, memorySoftBytes, "");
    }

    /**
     * The cgroup v2 {@code cpu.weight} (1-10000) for these shares: the v1 range 2-262144 mapped linearly onto it, so
     * tasks keep their ratios to one another; 1024 shares give 39, below the default weight 100 of v2.
     */
    public long cpuWeight() {
        return 1 + ((cpuShares - MIN_SHARES) * 9999) / (MAX_SHARES - MIN_SHARES);
    }
}
