package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.api.Resources;

/**
 * The limits of one task's cgroup.
 *
 * @param memoryBytes hard memory limit; swap is not allowed on top of it
 * @param cpuShares relative cpu weight in cgroup v1 shares (2-262144), from the task's MHz
 * @param pidsMax how many processes and threads the task may have at once; 0 for no limit
 */
public record CgroupLimits(long memoryBytes, long cpuShares, long pidsMax) {
    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262_144;

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
    }

    /** Memory and cpu from the task's resources (one share per MHz, as Nomad does), pids as given. */
    public static CgroupLimits of(Resources resources, long pidsMax) {
        long shares = Math.max(MIN_SHARES, Math.min(MAX_SHARES, resources.cpuMhz()));
        return new CgroupLimits(resources.memoryMb() * 1024L * 1024L, shares, pidsMax);
    }

    /**
     * The cgroup v2 {@code cpu.weight} (1-10000) for these shares: the v1 range 2-262144 mapped linearly onto it,
     * so the default 1024 shares of v1 land near the default weight 100 of v2.
     */
    public long cpuWeight() {
        return 1 + ((cpuShares - MIN_SHARES) * 9999) / (MAX_SHARES - MIN_SHARES);
    }
}
