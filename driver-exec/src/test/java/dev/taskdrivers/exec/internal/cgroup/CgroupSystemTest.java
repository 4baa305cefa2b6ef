package dev.taskdrivers.exec.internal.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.exec.internal.process.SetupStep;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task that reserves no cores needs no v1 cpuset cgroup: its creation steps leave that hierarchy alone. */
class CgroupSystemTest {
    private static final CgroupLimits LIMITS = new CgroupLimits(64L << 20, 1024, 0, 0, "");

    private static Map<String, Path> mounts(String cpusetMount) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        mounts.put("memory", Path.of("/sys/fs/cgroup/memory"));
        mounts.put("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct"));
        mounts.put("cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct"));
        mounts.put("pids", Path.of("/sys/fs/cgroup/pids"));
        mounts.put("cpuset", Path.of(cpusetMount));
        return mounts;
    }

    private static List<String> targets(CgroupSystem system) {
        return system.cgroup("taskdrivers/t1").creationSteps(LIMITS).stream()
                .map(SetupStep::toString)
                .toList();
    }

    @Test
    void withoutCpusetASeparateCpusetHierarchyIsLeftAlone() {
        CgroupSystem all = CgroupSystem.v1(mounts("/sys/fs/cgroup/cpuset"));

        assertThat(targets(all)).anyMatch(step -> step.contains("/sys/fs/cgroup/cpuset/"));
        assertThat(targets(all.withoutCpuset()))
                .isNotEmpty()
                .noneMatch(step -> step.contains("/sys/fs/cgroup/cpuset/"))
                .anyMatch(step -> step.contains("/sys/fs/cgroup/memory/taskdrivers/t1"));
    }

    @Test
    void aCpusetCoMountedWithANeededControllerOrV2IsKept() {
        CgroupSystem coMounted = CgroupSystem.v1(mounts("/sys/fs/cgroup/pids"));
        CgroupSystem v2 = CgroupSystem.v2(Path.of("/sys/fs/cgroup"));

        assertThat(coMounted.withoutCpuset()).isSameAs(coMounted);
        assertThat(v2.withoutCpuset()).isSameAs(v2);
    }
}
