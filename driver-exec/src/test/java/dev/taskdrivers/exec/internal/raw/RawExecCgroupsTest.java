package dev.taskdrivers.exec.internal.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where raw_exec cannot make cgroups its tasks still run, and the fingerprint says why. */
class RawExecCgroupsTest {

    @Test
    void aRunnerThatIsNotRootGivesTasksNoCgroupAndSaysSo() {
        RawExecCgroups cgroups = RawExecCgroups.probe("taskdrivers", 1000, () -> {
            throw new AssertionError("no need to read the mount table without root");
        });

        assertThat(cgroups.system()).isEmpty();
        assertThat(cgroups.unavailableReason()).contains("root").contains("uid 1000");
        assertThat(cgroups.create("a-launch", dev.taskdrivers.api.Resources.defaults()))
                .isEmpty();
        Fingerprint fingerprint = RawExecFingerprint.of(new RawExecOptions(true, true), () -> cgroups);
        assertThat(fingerprint.isHealthy()).isTrue();
        assertThat(fingerprint.attributes())
                .containsEntry("driver.raw_exec.cgroup", "false")
                .doesNotContainKey("driver.raw_exec.cgroup_version");
        assertThat(fingerprint.description()).contains("in the runner's cgroup").contains("uid 1000");
    }

    @Test
    void aHostWithoutTheControllersGivesTasksNoCgroupAndSaysWhichAreMissing() {
        RawExecCgroups cgroups =
                RawExecCgroups.probe("taskdrivers", 0, () -> MountInfo.read(java.nio.file.Path.of("/dev/null")));

        assertThat(cgroups.system()).isEmpty();
        assertThat(cgroups.unavailableReason()).contains("memory, cpu and pids");
    }

    @Test
    void aCgroupPathOutsideTheParentIsRefused() {
        RawExecCgroups cgroups = RawExecCgroups.probe("taskdrivers", 1000, () -> {
            throw new AssertionError();
        });

        assertThat(cgroups.existing("taskdrivers/a-launch")).isEmpty();
        assertThatThrownBy(() -> cgroups.existing("elsewhere/a-launch"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskdrivers");
        assertThatThrownBy(() -> cgroups.existing("taskdrivers/../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCgroupParentOptionIsARelativeCgroupPath() {
        assertThat(RawExecOptions.read(Map.of()).cgroupParent()).isEqualTo("taskdrivers");
        assertThat(RawExecOptions.read(Map.of("cgroup_parent", "nomad/raw")).cgroupParent())
                .isEqualTo("nomad/raw");
        assertThatThrownBy(() -> RawExecOptions.read(Map.of("cgroup_parent", "../escape")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("raw_exec.cgroup_parent");
    }
}
