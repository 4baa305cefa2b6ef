package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {
    private final LaunchSpec spec = new LaunchSpec(
            List.of("/bin/echo", "hi"),
            Map.of("A", "1"),
            Path.of("/tmp"),
            Path.of("/l/out"),
            Path.of("/l/err"),
            Path.of("/s"),
            Path.of("/e/x"));

    @Test
    void aPrefixRunsBeforeTheTask() {
        assertThat(spec.withPrefix(List.of("chroot", "/root")).argv())
                .containsExactly("chroot", "/root", "/bin/echo", "hi");
    }

    @Test
    void joiningCgroupsKeepsTheArgvAndAddsTheFiles() {
        LaunchSpec joined = spec.joiningCgroups(List.of(Path.of("/sys/fs/cgroup/memory/x y/cgroup.procs")))
                .joiningCgroups(List.of(Path.of("/sys/fs/cgroup/pids/x y/cgroup.procs")));
        assertThat(joined.argv()).isEqualTo(spec.argv());
        assertThat(joined.cgroupProcsFiles())
                .containsExactly(
                        Path.of("/sys/fs/cgroup/memory/x y/cgroup.procs"),
                        Path.of("/sys/fs/cgroup/pids/x y/cgroup.procs"));
        assertThat(joined.reportsReady()).isFalse();
        assertThat(joined.reportingReady().withPrefix(List.of("unshare")).reportsReady())
                .isTrue();
    }

    @Test
    void anEmptyArgvIsRefused() {
        assertThatThrownBy(() -> new LaunchSpec(
                        List.of(), Map.of(), Path.of("/"), Path.of("/o"), Path.of("/e"), Path.of("/s"), Path.of("/x")))
                .hasMessageContaining("argv");
    }

    @Test
    void aSupervisedTaskSurvivesItsMapForm() {
        SupervisedTask task = new SupervisedTask(
                Path.of("/s"), Path.of("/e/x"), new ProcessIdentity(10, 20), new ProcessIdentity(11, 21));
        assertThat(SupervisedTask.fromMap(task.toMap())).isEqualTo(task);
        Map<String, String> broken = new java.util.HashMap<>(task.toMap());
        broken.put("pid_start", "soon");
        assertThatThrownBy(() -> SupervisedTask.fromMap(broken)).hasMessageContaining("pid_start");
        broken.remove("exit_file");
        assertThatThrownBy(() -> SupervisedTask.fromMap(broken)).hasMessageContaining("exit_file");
    }
}
