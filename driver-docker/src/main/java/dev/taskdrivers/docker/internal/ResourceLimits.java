package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.Resources;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A task's limits beyond its memory and cpu resources, as Nomad's docker driver reads them: {@code memory_hard_limit}
 * (refused together with the task's {@code memory_max}, which sets the same limit),
 * {@code cpu_hard_limit}, {@code cpu_cfs_period}, {@code cpuset_cpus}, {@code pids_limit}, {@code ulimit},
 * {@code oom_score_adj} and {@code storage_opt}. The task's reserved {@code cores} become the container's cpuset
 * ({@code cpuset_cpus} is refused with them).
 *
 * @param memoryHardLimitMb the memory limit in MiB, the task's memory becoming the reservation; 0 for none
 * @param cpuHardLimit whether the task's MHz are a CFS quota rather than only a weight
 * @param cpuCfsPeriodMicros the CFS period the quota is measured in
 * @param cpusetCpus the cores the container may run on, e.g. {@code 0-1,3}, or null
 * @param pidsLimit the most processes the container may hold; 0 for no limit
 * @param ulimits rlimit name to soft and hard value
 * @param oomScoreAdj added to the processes' OOM score, 0-1000
 * @param storageOpt storage driver options, e.g. {@code size}
 */
public record ResourceLimits(
        long memoryHardLimitMb,
        boolean cpuHardLimit,
        long cpuCfsPeriodMicros,
        @Nullable String cpusetCpus,
        long pidsLimit,
        Map<String, Rlimit> ulimits,
        int oomScoreAdj,
        Map<String, String> storageOpt) {

    /** A soft and a hard resource limit. */
    public record Rlimit(long soft, long hard) {}

    static final long DEFAULT_CFS_PERIOD_MICROS = 100_000;
    private static final long MIB = 1024L * 1024;
    private static final Pattern CPUSET = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    private static final Pattern ULIMIT = Pattern.compile("(\\d+)(?::(\\d+))?");
    /** The rlimits the engine knows, as in {@code docker run --ulimit}. */
    private static final Set<String> ULIMIT_NAMES = Set.of(
            "as",
            "core",
            "cpu",
            "data",
            "fsize",
            "locks",
            "memlock",
            "msgqueue",
            "nice",
            "nofile",
            "nproc",
            "rss",
            "rtprio",
            "rttime",
            "sigpending",
            "stack");

    /**
     * Reads the limits from {@code r}. {@code resources} (null when not known) lets the hard memory limit be checked
     * against the task's memory; {@code operatorPidsLimit} (0 for none) caps and defaults {@code pids_limit}.
     */
    public static ResourceLimits read(ConfigReader r, @Nullable Resources resources, long operatorPidsLimit) {
        long hardLimit = r.integer("memory_hard_limit", 0, 0, Integer.MAX_VALUE);
        if (hardLimit > 0 && resources != null && hardLimit < resources.memoryMb()) {
            r.problem(
                    "memory_hard_limit",
                    "must be at least the task's memory (" + resources.memoryMb() + " MiB), got " + hardLimit);
        }
        boolean cpuHard = r.bool("cpu_hard_limit", false);
        boolean periodGiven = r.has("cpu_cfs_period");
        long period = r.integer("cpu_cfs_period", DEFAULT_CFS_PERIOD_MICROS, 1000, 1_000_000);
        if (periodGiven && !cpuHard) {
            r.problem("cpu_cfs_period", "only applies with cpu_hard_limit = true");
        }
        if (hardLimit > 0 && resources != null && resources.memoryMaxMb() > 0) {
            r.problem("memory_hard_limit", "must not be set together with the task's resources.memory_max");
        }
        String cpuset = r.optionalString("cpuset_cpus");
        if (cpuset != null && !CPUSET.matcher(cpuset).matches()) {
            r.problem("cpuset_cpus", "must list cores like \"0-2,4\", got \"" + cpuset + "\"");
        }
        if (cpuset != null && resources != null && !resources.reservedCores().isEmpty()) {
            r.problem("cpuset_cpus", "must not be set together with the task's resources.cores");
        }
        long pids = r.integer("pids_limit", 0, 0, Long.MAX_VALUE);
        if (operatorPidsLimit > 0) {
            if (pids > operatorPidsLimit) {
                r.problem(
                        "pids_limit",
                        "must be at most " + operatorPidsLimit + " (the driver configuration's pids_limit), got "
                                + pids);
            }
            if (pids == 0) {
                pids = operatorPidsLimit;
            }
        }
        Map<String, Rlimit> ulimits = readUlimits(r);
        int oomScoreAdj = (int) r.integer("oom_score_adj", 0, 0, 1000);
        Map<String, String> storageOpt = r.stringMap("storage_opt");
        return new ResourceLimits(hardLimit, cpuHard, period, cpuset, pids, ulimits, oomScoreAdj, storageOpt);
    }

    private static Map<String, Rlimit> readUlimits(ConfigReader r) {
        Map<String, Rlimit> ulimits = new LinkedHashMap<>();
        r.stringMap("ulimit").forEach((name, value) -> {
            Matcher m = ULIMIT.matcher(value.strip());
            if (!ULIMIT_NAMES.contains(name)) {
                r.problem(
                        "ulimit." + name,
                        "is not a limit the engine knows; one of "
                                + String.join(
                                        ", ", ULIMIT_NAMES.stream().sorted().toList()));
            } else if (!m.matches()) {
                r.problem("ulimit." + name, "must be \"soft:hard\" or one number, got \"" + value + "\"");
            } else {
                long soft = Long.parseLong(m.group(1));
                long hard = m.group(2) == null ? soft : Long.parseLong(m.group(2));
                if (soft > hard) {
                    r.problem("ulimit." + name, "soft limit " + soft + " is above the hard limit " + hard);
                } else {
                    ulimits.put(name, new Rlimit(soft, hard));
                }
            }
        });
        return ulimits;
    }

    /** Sets memory, cpu and the other limits of {@code host} from these and the task's resources. */
    public void applyTo(HostConfig host, Resources resources) {
        long memory = resources.memoryMb() * MIB;
        if (resources.memoryMaxMb() > 0) {
            // memory_max, Nomad's oversubscription: the maximum is the limit, the memory the reservation
            host.withMemory(resources.memoryMaxMb() * MIB)
                    .withMemorySwap(resources.memoryMaxMb() * MIB)
                    .withMemoryReservation(memory);
        } else if (memoryHardLimitMb > 0) {
            // as in Nomad: the task's memory becomes the soft limit the kernel reclaims towards under pressure
            host.withMemory(memoryHardLimitMb * MIB)
                    .withMemorySwap(memoryHardLimitMb * MIB)
                    .withMemoryReservation(memory);
        } else {
            host.withMemory(memory).withMemorySwap(memory); // no swap beyond the limit
        }
        host.withCpuShares(resources.cpuMhz());
        if (cpuHardLimit) {
            host.withCpuPeriod(cpuCfsPeriodMicros)
                    .withCpuQuota(cpuQuota(resources.cpuMhz(), cpuCfsPeriodMicros, HostCpu.mhzPerCore()));
        }
        if (!resources.reservedCores().isEmpty()) {
            host.withCpusetCpus(resources.cpuset());
        } else if (cpusetCpus != null) {
            host.withCpusetCpus(cpusetCpus);
        }
        if (pidsLimit > 0) {
            host.withPidsLimit(pidsLimit);
        }
        if (!ulimits.isEmpty()) {
            host.withUlimits(ulimits.entrySet().stream()
                    .map(e -> new Ulimit(
                            e.getKey(), e.getValue().soft(), e.getValue().hard()))
                    .toList());
        }
        if (oomScoreAdj != 0) {
            host.withOomScoreAdj(oomScoreAdj);
        }
        if (!storageOpt.isEmpty()) {
            host.withStorageOpt(storageOpt);
        }
    }

    /** The share of one core's time per period that {@code mhz} is worth, at least the kernel's 1 ms. */
    static long cpuQuota(int mhz, long periodMicros, double mhzPerCore) {
        return Math.max(1000, Math.round(periodMicros * mhz / mhzPerCore));
    }
}
