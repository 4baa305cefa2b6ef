package dev.taskdrivers.exec.internal.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Resources;
import dev.taskdrivers.exec.internal.process.ExitStatusFile;
import dev.taskdrivers.exec.internal.process.ForkServerLauncher;
import dev.taskdrivers.exec.internal.process.Isolation;
import dev.taskdrivers.exec.internal.process.LaunchSpec;
import dev.taskdrivers.exec.internal.process.SupervisedTask;
import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task cgroup on the host's real cgroup2 hierarchy (on hosts that keep the controllers in v1 it has none, so this
 * covers what needs no controller): created by the task's own set-up, joined before its command runs by every process
 * it starts, killed at once with {@code cgroup.kill}, removed. The limits are covered by {@link CgroupV2FakeFsTest}.
 */
@Tag("real")
class CgroupV2RealTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path unified;
    private String parent;
    private ForkServerLauncher launcher;

    @BeforeEach
    void findTheUnifiedHierarchy() throws Exception {
        Optional<Path> mount = MountInfo.read(MountInfo.SELF).mounts().stream()
                .filter(m -> m.fsType().equals("cgroup2"))
                .map(MountInfo.Mount::mountPoint)
                .findFirst();
        RealEnvironment.require(
                mount.isPresent()
                        && dev.taskdrivers.exec.internal.process.TaskUser.runnerUid() == 0
                        && ForkServerLauncher.findPerl().isPresent(),
                "root, perl and a mounted cgroup2 hierarchy");
        unified = mount.orElseThrow();
        parent = "taskdrivers-v2test-" + ProcessHandle.current().pid();
        launcher = new ForkServerLauncher(ForkServerLauncher.findPerl().orElseThrow(), dir.resolve("bin"), dir);
    }

    @AfterEach
    void removeTheParent() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
        if (unified != null) {
            Files.deleteIfExists(unified.resolve(parent));
        }
    }

    @Test
    void theTaskRunsOnlyInsideItsCgroupAndAKillEmptiesIt() throws Exception {
        TaskCgroup cgroup = CgroupSystem.v2(unified).cgroup(parent + "/task");
        Path out = dir.resolve("out");
        LaunchSpec spec = new LaunchSpec(
                        List.of("/bin/sh", "-c", "cat /proc/self/cgroup; sleep 600 & setsid sleep 600 & wait"),
                        Map.of("PATH", Executables.DEFAULT_PATH),
                        dir,
                        out,
                        dir.resolve("err"),
                        dir.resolve("state"),
                        dir.resolve("exit"))
                .joiningCgroups(cgroup.procsFiles())
                .isolatedBy(new Isolation(
                        false,
                        false,
                        "v2",
                        List.of(),
                        List.of(),
                        cgroup.creationSteps(CgroupLimits.of(Resources.defaults(), 64)),
                        false,
                        TIMEOUT));

        SupervisedTask task = launcher.launch(spec, TIMEOUT);

        await().atMost(TIMEOUT).until(() -> cgroup.pids().size() == 3);
        assertThat(cgroup.pids())
                .as("the task, its child and its setsid escapee")
                .contains(task.task().pid());
        assertThat(Files.readAllLines(out)).contains("0::/" + parent + "/task");
        assertThat(unified.resolve(parent + "/task/cgroup.kill"))
                .as("kernel 5.14+ offers cgroup.kill")
                .exists();

        cgroup.killAll(TIMEOUT);

        assertThat(cgroup.pids()).isEmpty();
        await().atMost(TIMEOUT).until(() -> ExitStatusFile.read(task.exitFile()).isPresent());
        assertThat(ExitStatusFile.read(task.exitFile()).orElseThrow().signal()).isEqualTo(9);
        cgroup.remove();
        assertThat(cgroup.exists()).isFalse();
    }
}
