package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The host's cgroup setup, as found in the mount table: which version holds the controllers tasks need. */
public final class CgroupSystem {
    /** Controllers a task's limits cannot do without. */
    static final List<String> REQUIRED = List.of("memory", "cpu", "pids");
    /** Controllers used when present: freezing for kills, cpu accounting for stats. */
    static final List<String> OPTIONAL_V1 = List.of("freezer", "cpuacct", "cpuset");

    private final CgroupVersion version;
    private final Map<String, Path> v1Mounts;
    /** Set for v2 only. */
    private final @Nullable Path v2Root;

    private CgroupSystem(CgroupVersion version, Map<String, Path> v1Mounts, @Nullable Path v2Root) {
        this.version = version;
        this.v1Mounts = Map.copyOf(v1Mounts);
        this.v2Root = v2Root;
    }

    /** v1 with the given controller mount points. */
    static CgroupSystem v1(Map<String, Path> mounts) {
        return new CgroupSystem(CgroupVersion.V1, mounts, null);
    }

    /** v2 with the unified hierarchy at {@code root}. */
    static CgroupSystem v2(Path root) {
        return new CgroupSystem(CgroupVersion.V2, Map.of(), root);
    }

    /**
     * Finds the hierarchies holding memory, cpu and pids.
     *
     * @throws DriverException with {@link ErrorCode#DRIVER_UNAVAILABLE} and the reason when no version has all
     */
    public static CgroupSystem detect(MountInfo mountInfo) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path v2 = null;
        for (MountInfo.Mount m : mountInfo.mounts()) {
            if (m.fsType().equals("cgroup")) {
                for (String option : m.superOptions()) {
                    if (REQUIRED.contains(option) || OPTIONAL_V1.contains(option)) {
                        v1.putIfAbsent(option, m.mountPoint());
                    }
                }
            } else if (m.fsType().equals("cgroup2") && v2 == null) {
                v2 = m.mountPoint();
            }
        }
        if (v1.keySet().containsAll(REQUIRED)) {
            return v1(v1);
        }
        List<String> v2Controllers = v2 == null
                ? List.of()
                : List.of(CgroupFiles.read(v2.resolve("cgroup.controllers"))
                        .trim()
                        .split("\\s+"));
        if (v2 != null && v2Controllers.containsAll(REQUIRED)) {
            return v2(v2);
        }
        throw DriverException.fatal(
                ErrorCode.DRIVER_UNAVAILABLE,
                "cgroups missing: the memory, cpu and pids"
                        + " controllers are needed in one cgroup version; v1 hierarchies have " + v1.keySet()
                        + (v2 == null ? ", no cgroup2 is mounted" : ", cgroup2 at " + v2 + " has " + v2Controllers));
    }

    /**
     * The same hierarchies without v1's cpuset, for tasks that reserve no cores: a new v1 cpuset cgroup must be given
     * its parent's cpus and mems before anything joins it, work such a task does not need (it stays in its parent's
     * cpuset). A v2 system is returned as it is: there cpuset is enabled only for a task that reserves cores.
     */
    public CgroupSystem withoutCpuset() {
        Path cpuset = v1Mounts.get("cpuset");
        if (version == CgroupVersion.V2 || cpuset == null) {
            return this;
        }
        Map<String, Path> mounts = new LinkedHashMap<>(v1Mounts);
        mounts.remove("cpuset");
        // co-mounted with a controller the task needs, its cgroups are made in that hierarchy anyway
        return mounts.containsValue(cpuset) ? this : v1(mounts);
    }

    public CgroupVersion version() {
        return version;
    }

    /** A task cgroup at {@code path} below the hierarchy roots; nothing is created yet. */
    public TaskCgroup cgroup(String path) {
        if (version == CgroupVersion.V1) {
            return new CgroupV1(v1Mounts, path);
        }
        return new CgroupV2(Objects.requireNonNull(v2Root, "a v2 system has its root"), path);
    }

    /** The mount points of the hierarchies holding memory, cpu and pids, where task cgroups are made. */
    public List<Path> requiredRoots() {
        if (version == CgroupVersion.V2) {
            return List.of(Objects.requireNonNull(v2Root, "a v2 system has its root"));
        }
        return REQUIRED.stream().map(v1Mounts::get).distinct().toList();
    }

    /** The unified hierarchy's mount point (v2 only). */
    public Optional<Path> v2Root() {
        return Optional.ofNullable(v2Root);
    }

    @Override
    public String toString() {
        return version == CgroupVersion.V1 ? "cgroup v1 " + v1Mounts : "cgroup v2 at " + v2Root;
    }
}
