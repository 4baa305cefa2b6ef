package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.exec.internal.process.SetupStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** A task's cgroup in the unified (v2) hierarchy. */
final class CgroupV2 extends AbstractTaskCgroup {
    /** The controllers a task's limits need, enabled for the children of every ancestor. */
    static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
    /** Enabled too, for a task that reserves cores. */
    static final String CPUSET = "cpuset";

    private static final String CPUSET_CPUS = "cpuset.cpus";

    private final Path root;
    private final String path;
    private final Path dir;

    /**
     * @param root the mount point of the unified hierarchy
     * @param path the cgroup's path below it
     */
    CgroupV2(Path root, String path) {
        this.root = root;
        this.path = path;
        this.dir = root.resolve(path);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public List<SetupStep> creationSteps(CgroupLimits limits) {
        boolean cores = !limits.cpus().isEmpty();
        List<String> enabled = enableControllers(cores);
        List<SetupStep> steps = new ArrayList<>(CgroupFiles.directories(parent(), dir));
        if (enabled.contains("memory")) {
            steps.add(SetupStep.write(dir.resolve("memory.max").toString(), Long.toString(limits.memoryBytes())));
            // absent when the kernel has no swap accounting, and then there is no swap to forbid
            steps.add(SetupStep.writeIfPresent(dir.resolve("memory.swap.max").toString(), "0"));
            // an OOM kill takes the whole task down rather than one process of it
            steps.add(SetupStep.write(dir.resolve("memory.oom.group").toString(), "1"));
            if (limits.memorySoftBytes() > 0) {
                steps.add(
                        SetupStep.write(dir.resolve("memory.low").toString(), Long.toString(limits.memorySoftBytes())));
            }
        }
        if (cores) {
            requireCoresInParent(limits.cpus());
            // unlike v1, an empty cpuset.mems (or cpuset.cpus) means the parent's, so the cores are all to write
            steps.add(SetupStep.write(dir.resolve(CPUSET_CPUS).toString(), limits.cpus()));
        }
        if (enabled.contains("cpu")) {
            steps.add(SetupStep.write(dir.resolve("cpu.weight").toString(), Long.toString(limits.cpuWeight())));
        }
        if (enabled.contains("pids")) {
            steps.add(SetupStep.write(
                    dir.resolve("pids.max").toString(),
                    limits.pidsMax() == 0 ? "max" : Long.toString(limits.pidsMax())));
        }
        return steps;
    }

    @Override
    public List<Path> procsFiles() {
        return List.of(dir.resolve("cgroup.procs"));
    }

    @Override
    public Set<Long> pids() {
        return CgroupFiles.pids(dir.resolve("cgroup.procs"));
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill").orElse(0);
    }

    @Override
    public Usage usage() {
        long rss = CgroupFiles.keyed(dir.resolve("memory.stat"), "anon").orElse(0);
        long cpuMicros =
                CgroupFiles.keyed(dir.resolve("cpu.stat"), "usage_usec").orElse(0);
        long cache = CgroupFiles.keyed(dir.resolve("memory.stat"), "file").orElse(0);
        long swap = CgroupFiles.number(dir.resolve("memory.swap.current")).orElse(0);
        return new Usage(rss, cache, swap, cpuMicros * 1000);
    }

    @Override
    public void remove() {
        CgroupFiles.rmdir(dir);
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(dir);
    }

    @Override
    protected boolean freeze(long deadlineNanos) {
        if (Files.exists(dir.resolve("cgroup.kill"))) {
            return false;
        }
        Path freeze = dir.resolve("cgroup.freeze");
        if (!Files.exists(freeze)) {
            return false;
        }
        CgroupFiles.write(freeze, "1");
        while (CgroupFiles.keyed(dir.resolve("cgroup.events"), "frozen").orElse(1) != 1
                && System.nanoTime() < deadlineNanos) {
            sleep();
        }
        return true;
    }

    @Override
    protected void thaw() {
        CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
    }

    @Override
    protected void killRest(long deadlineNanos) {
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            // the kernel kills every process of the cgroup and of its descendants, racing no fork
            CgroupFiles.write(kill, "1");
        }
    }

    /**
     * Enables the task controllers for the children of each ancestor of this cgroup, and the cpuset controller when
     * the task reserves cores; returns the task controllers enabled.
     *
     * @throws DriverException naming {@code resources.cores} when the task reserves cores and the hierarchy has no
     *     cpuset controller to give them, before anything is changed
     */
    private List<String> enableControllers(boolean cores) {
        List<String> available = words(CgroupFiles.read(root.resolve("cgroup.controllers")));
        if (cores && !available.contains(CPUSET)) {
            throw DriverException.fatal(
                    ErrorCode.UNSUPPORTED,
                    "resources.cores: reserving cores needs the cpuset cgroup controller, which the cgroup v2"
                            + " hierarchy at " + root + " does not offer (its cgroup.controllers: "
                            + String.join(" ", available) + "; a cgroup v1 hierarchy may hold cpuset)");
        }
        List<String> wanted = new ArrayList<>(CONTROLLERS);
        wanted.retainAll(available);
        Path cgroup = root;
        enable(cgroup, wanted, cores);
        Path parents = Path.of(path).getParent();
        if (parents != null) {
            for (Path name : parents) {
                cgroup = cgroup.resolve(name.toString());
                CgroupFiles.mkdirs(cgroup);
                enable(cgroup, wanted, cores);
            }
        }
        return wanted;
    }

    private static void enable(Path cgroup, List<String> controllers, boolean cpuset) {
        Path control = cgroup.resolve("cgroup.subtree_control");
        List<String> enabled = words(CgroupFiles.read(control));
        List<String> missing = controllers.stream()
                .filter(c -> !enabled.contains(c))
                .map(c -> "+" + c)
                .toList();
        if (!missing.isEmpty()) {
            CgroupFiles.write(control, String.join(" ", missing));
        }
        if (cpuset && !enabled.contains(CPUSET)) {
            // on its own, so that a failure is the cores' alone
            try {
                CgroupFiles.write(control, "+" + CPUSET);
            } catch (DriverException e) {
                throw DriverException.fatal(
                        ErrorCode.UNSUPPORTED,
                        "resources.cores: cannot enable the cpuset cgroup controller for the children of " + cgroup
                                + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /**
     * A v2 cpuset that gets none of the cores it asks for silently runs on all of its parent's, so cores outside the
     * parent's effective ones are refused here.
     */
    private void requireCoresInParent(String cpus) {
        Path effective = parent().resolve(CPUSET_CPUS + ".effective");
        String available = CgroupFiles.read(effective).trim();
        if (Files.exists(effective) && !CpuList.isSubset(cpus, available)) {
            throw DriverException.fatal(
                    ErrorCode.UNSUPPORTED,
                    "resources.cores: the task's cores " + cpus + " are not all among the cores " + available
                            + " that its parent cgroup " + parent() + " may use (cpuset.cpus.effective)");
        }
    }

    private Path parent() {
        return Objects.requireNonNull(dir.getParent(), "a cgroup lies below its hierarchy's root");
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }
}
