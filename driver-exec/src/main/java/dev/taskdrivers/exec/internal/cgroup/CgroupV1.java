package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.process.SetupStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A task's cgroup in the v1 hierarchies: one directory per controller. */
final class CgroupV1 extends AbstractTaskCgroup {
    static final String MEMORY = "memory";
    static final String CPU = "cpu";
    static final String CPUACCT = "cpuacct";
    static final String PIDS = "pids";
    static final String FREEZER = "freezer";
    static final String CPUSET = "cpuset";

    private final String path;
    /** Controller name to the mount point of its hierarchy. */
    private final Map<String, Path> mounts;
    /** Controller name to this cgroup's directory in that controller's hierarchy. */
    private final Map<String, Path> dirs;

    /**
     * @param mounts controller name to the mount point of its hierarchy; memory, cpu and pids are required,
     *        freezer and cpuacct are used when present
     * @param path the cgroup's path below each hierarchy's root
     */
    CgroupV1(Map<String, Path> mounts, String path) {
        this.path = path;
        this.mounts = Map.copyOf(mounts);
        Map<String, Path> byController = new java.util.LinkedHashMap<>();
        // one directory per distinct mount: co-mounted controllers such as cpu,cpuacct share a hierarchy
        mounts.forEach((controller, mount) -> byController.put(controller, mount.resolve(path)));
        this.dirs = Map.copyOf(byController);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public List<SetupStep> creationSteps(CgroupLimits limits) {
        List<SetupStep> steps = new ArrayList<>();
        // co-mounted controllers such as cpu,cpuacct share one directory
        Set<Path> seen = new HashSet<>();
        mounts.forEach((controller, mount) -> {
            Path dir = dir(controller);
            if (seen.add(dir)) {
                steps.addAll(CgroupFiles.directories(mount, dir));
            }
        });
        Path memory = dir(MEMORY);
        String limit = Long.toString(limits.memoryBytes());
        String memsw = memory.resolve("memory.memsw.limit_in_bytes").toString();
        if (Files.exists(mount(MEMORY).resolve("memory.memsw.limit_in_bytes"))) {
            // memory+swap may never be below memory alone: lift it first so a changed limit can be applied
            steps.add(SetupStep.write(memsw, "-1"));
            steps.add(SetupStep.write(memory.resolve("memory.limit_in_bytes").toString(), limit));
            steps.add(SetupStep.write(memsw, limit));
        } else {
            steps.add(SetupStep.write(memory.resolve("memory.limit_in_bytes").toString(), limit));
            // no swap accounting in this kernel: at least keep the task's pages out of swap
            steps.add(SetupStep.write(memory.resolve("memory.swappiness").toString(), "0"));
        }
        if (limits.memorySoftBytes() > 0) {
            steps.add(SetupStep.write(
                    memory.resolve("memory.soft_limit_in_bytes").toString(), Long.toString(limits.memorySoftBytes())));
        }
        if (mounts.containsKey(CPUSET)) {
            steps.addAll(CpusetSteps.of(mount(CPUSET), dir(CPUSET), limits.cpus()));
        } else if (!limits.cpus().isEmpty()) {
            throw DriverException.fatal(
                    ErrorCode.UNSUPPORTED,
                    "resources.cores: reserving cores needs the cpuset cgroup controller, which this host has not"
                            + " mounted");
        }
        steps.add(SetupStep.write(dir(CPU).resolve("cpu.shares").toString(), Long.toString(limits.cpuShares())));
        steps.add(SetupStep.write(
                dir(PIDS).resolve("pids.max").toString(),
                limits.pidsMax() == 0 ? "max" : Long.toString(limits.pidsMax())));
        return steps;
    }

    @Override
    public List<Path> procsFiles() {
        return distinctDirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    @Override
    public Set<Long> pids() {
        Set<Long> all = new LinkedHashSet<>();
        for (Path procs : procsFiles()) {
            all.addAll(CgroupFiles.pids(procs));
        }
        return all;
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir(MEMORY).resolve("memory.oom_control"), "oom_kill")
                .orElse(0);
    }

    @Override
    public Usage usage() {
        Path memoryStat = dir(MEMORY).resolve("memory.stat");
        long rss = CgroupFiles.keyed(memoryStat, "total_rss").orElse(0);
        long cache = CgroupFiles.keyed(memoryStat, "total_cache").orElse(0);
        long swap = CgroupFiles.keyed(memoryStat, "total_swap").orElse(0);
        Path cpuacct = dirs.get(CPUACCT);
        long cpu = cpuacct == null
                ? 0
                : CgroupFiles.number(cpuacct.resolve("cpuacct.usage")).orElse(0);
        return new Usage(rss, cache, swap, cpu);
    }

    @Override
    public void remove() {
        distinctDirs().forEach(CgroupFiles::rmdir);
    }

    @Override
    public boolean exists() {
        return distinctDirs().stream().anyMatch(Files::isDirectory);
    }

    @Override
    protected boolean freeze(long deadlineNanos) {
        Path freezer = dirs.get(FREEZER);
        if (freezer == null || !Files.isDirectory(freezer)) {
            return false;
        }
        Path state = freezer.resolve("freezer.state");
        CgroupFiles.write(state, "FROZEN");
        while (!CgroupFiles.read(state).trim().equals("FROZEN")) {
            if (System.nanoTime() > deadlineNanos) {
                return true;
            }
            sleep();
        }
        return true;
    }

    @Override
    protected void thaw() {
        Path freezer = dirs.get(FREEZER);
        if (freezer != null) { // thawed only after freeze() found it
            CgroupFiles.write(freezer.resolve("freezer.state"), "THAWED");
        }
    }

    /** This cgroup's directory for a controller the hierarchies must have (memory, cpu, pids; cpuset if asked). */
    private Path dir(String controller) {
        Path dir = dirs.get(controller);
        if (dir == null) {
            throw new IllegalStateException("no " + controller + " cgroup hierarchy among " + mounts.keySet());
        }
        return dir;
    }

    private Path mount(String controller) {
        Path mount = mounts.get(controller);
        if (mount == null) {
            throw new IllegalStateException("no " + controller + " cgroup hierarchy among " + mounts.keySet());
        }
        return mount;
    }

    private List<Path> distinctDirs() {
        return new ArrayList<>(new LinkedHashSet<>(dirs.values()));
    }
}
