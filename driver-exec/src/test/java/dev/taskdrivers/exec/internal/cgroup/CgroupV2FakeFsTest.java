package dev.taskdrivers.exec.internal.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup v2 logic against a plain directory laid out like a unified hierarchy, and version detection. */
class CgroupV2FakeFsTest {

    @TempDir
    Path root;

    @Test
    void createEnablesControllersDownThePathAndWritesLimitsWithoutSwap() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpu\n");
        TaskCgroup cgroup = CgroupSystem.v2(root).cgroup("taskdrivers/a1.web");

        cgroup.create(CgroupLimits.of(new Resources(500, 64, List.of()), 100));

        Path dir = root.resolve("taskdrivers/a1.web");
        // cpuset is offered, but only a task reserving cores gets it enabled
        assertThat(root.resolve("cgroup.subtree_control")).content().isEqualTo("+memory +pids");
        assertThat(root.resolve("taskdrivers/cgroup.subtree_control")).content().isEqualTo("+memory +cpu +pids");
        assertThat(dir.resolve("memory.max")).content().isEqualTo(Long.toString(64L << 20));
        assertThat(dir.resolve("memory.swap.max")).content().isEqualTo("0");
        assertThat(dir.resolve("cpu.weight")).content().isEqualTo(Long.toString(1 + (498L * 9999) / 262142));
        assertThat(dir.resolve("pids.max")).content().isEqualTo("100");
        assertThat(cgroup.procsFiles()).containsExactly(dir.resolve("cgroup.procs"));
    }

    @Test
    void reservedCoresEnableCpusetDownThePathAndAreTheTasksCpusetCpus() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpu memory pids\n");
        Path parent = Files.createDirectories(root.resolve("taskdrivers"));
        Files.writeString(parent.resolve("cgroup.subtree_control"), "memory cpu pids\n");
        Files.writeString(parent.resolve("cpuset.cpus.effective"), "0-3\n");
        TaskCgroup cgroup = CgroupSystem.v2(root).cgroup("taskdrivers/a1.web");

        cgroup.create(CgroupLimits.of(new Resources(500, 64, List.of()).withReservedCores(List.of(2, 1)), 100));

        Path dir = root.resolve("taskdrivers/a1.web");
        assertThat(root.resolve("cgroup.subtree_control")).content().isEqualTo("+cpuset");
        assertThat(parent.resolve("cgroup.subtree_control")).content().isEqualTo("+cpuset");
        assertThat(dir.resolve("cpuset.cpus")).content().isEqualTo("1-2");
        assertThat(dir.resolve("cpuset.mems"))
                .as("an empty cpuset.mems is the parent's in v2")
                .doesNotExist();
        assertThat(dir.resolve("memory.max")).content().isEqualTo(Long.toString(64L << 20));
        assertThat(dir.resolve("cpu.weight")).exists();
        assertThat(dir.resolve("pids.max")).content().isEqualTo("100");
    }

    @Test
    void coresNeedTheCpusetControllerAndNothingIsChangedWithoutIt() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu io memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        TaskCgroup cgroup = CgroupSystem.v2(root).cgroup("taskdrivers/a1.web");
        CgroupLimits limits = CgroupLimits.of(Resources.defaults().withReservedCores(List.of(0)), 0);

        assertThatThrownBy(() -> cgroup.create(limits))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageStartingWith("resources.cores: ")
                .hasMessageContaining("the cpuset cgroup controller")
                .hasMessageContaining(root.toString())
                .hasMessageContaining("cpu io memory pids");
        assertThat(root.resolve("cgroup.subtree_control")).isEmptyFile();
        assertThat(root.resolve("taskdrivers")).doesNotExist();
    }

    @Test
    void coresOutsideTheParentsEffectiveCpusAreRefusedBeforeTheTaskCgroupIsMade() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpuset cpu memory pids\n");
        Path parent = Files.createDirectories(root.resolve("taskdrivers"));
        Files.writeString(parent.resolve("cgroup.subtree_control"), "cpuset cpu memory pids\n");
        Files.writeString(parent.resolve("cpuset.cpus.effective"), "0-1\n");
        TaskCgroup cgroup = CgroupSystem.v2(root).cgroup("taskdrivers/a1.web");

        assertThatThrownBy(() -> cgroup.creationSteps(
                        CgroupLimits.of(Resources.defaults().withReservedCores(List.of(1, 2)), 0)))
                .isInstanceOf(DriverException.class)
                .hasMessage("resources.cores: the task's cores 1-2 are not all among the cores 0-1 that its parent"
                        + " cgroup " + parent + " may use (cpuset.cpus.effective)");
        assertThat(parent.resolve("a1.web")).doesNotExist();

        cgroup.create(CgroupLimits.of(Resources.defaults().withReservedCores(List.of(1)), 0));
        assertThat(parent.resolve("a1.web/cpuset.cpus")).content().isEqualTo("1");
        assertThat(parent.resolve("cgroup.subtree_control"))
                .as("cpuset already enabled: not written again")
                .content()
                .isEqualTo("cpuset cpu memory pids\n");
    }

    @Test
    void oomKillsAndUsageComeFromTheEventAndStatFiles() throws Exception {
        Path dir = Files.createDirectories(root.resolve("td/t"));
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 4096\nfile 8192\n");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\n");
        Files.writeString(dir.resolve("memory.swap.current"), "2048\n");
        Files.writeString(dir.resolve("cgroup.procs"), "12\n34\n");
        TaskCgroup cgroup = CgroupSystem.v2(root).cgroup("td/t");
        assertThat(cgroup.oomKills()).isEqualTo(1);
        assertThat(cgroup.usage()).isEqualTo(new TaskCgroup.Usage(4096, 8192, 2048, 1_500_000));
        assertThat(cgroup.pids()).containsExactly(12L, 34L);
    }

    @Test
    void unlimitedPidsAreWrittenAsMax() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "memory pids cpu");
        CgroupSystem.v2(root).cgroup("td/t").create(CgroupLimits.of(Resources.defaults(), 0));
        assertThat(root.resolve("td/t/pids.max")).content().isEqualTo("max");
    }

    @Test
    void detectionPrefersTheVersionHoldingAllControllers() throws Exception {
        String v1 = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                + "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                + "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
                + "41 31 0:38 / " + root + " rw,relatime - cgroup2 cgroup2 rw\n";
        assertThat(CgroupSystem.detect(MountInfo.parse(v1)).version()).isEqualTo(CgroupVersion.V1);

        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids io");
        String v2 = "41 31 0:38 / " + root + " rw,relatime - cgroup2 cgroup2 rw\n";
        assertThat(CgroupSystem.detect(MountInfo.parse(v2)).version()).isEqualTo(CgroupVersion.V2);

        Files.writeString(root.resolve("cgroup.controllers"), "hugetlb");
        assertThatThrownBy(() -> CgroupSystem.detect(MountInfo.parse(v2)))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("cgroups missing")
                .hasMessageContaining("hugetlb");
    }

    @Test
    void cpuWeightSpansTheV2RangeAndMountPointsAreUnescaped() {
        assertThat(new CgroupLimits(1, 2, 0).cpuWeight()).isEqualTo(1);
        assertThat(new CgroupLimits(1, 262_144, 0).cpuWeight()).isEqualTo(10_000);
        MountInfo info = MountInfo.parse("1 0 0:1 / /a\\040b rw - tmpfs none rw\n");
        assertThat(info.mounts().get(0).mountPoint()).isEqualTo(Path.of("/a b"));
    }
}
