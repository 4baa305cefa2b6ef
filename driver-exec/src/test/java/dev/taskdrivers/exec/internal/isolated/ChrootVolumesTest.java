package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the exec driver can put a task's volumes in its chroot, and how it binds them. */
class ChrootVolumesTest {
    @TempDir
    Path dir;

    @Test
    void volumesGoBelowTheTasksOwnDirectoriesWithPrivatePropagation() {
        assertThat(ChrootLayout.volumeProblems(List.of(
                        new TaskMount(Path.of("/srv/a"), "/alloc/data", false, TaskMount.Propagation.PRIVATE),
                        new TaskMount(Path.of("/srv/b"), "/local/x/y", true, TaskMount.Propagation.PRIVATE))))
                .isEmpty();
        assertThat(ChrootLayout.volumeProblems(List.of(
                        new TaskMount(Path.of("/srv/a"), "/srv/data", false, TaskMount.Propagation.PRIVATE),
                        new TaskMount(Path.of("/srv/a"), "/alloc", false, TaskMount.Propagation.PRIVATE),
                        new TaskMount(Path.of("/srv/a"), "/alloc/../etc", false, TaskMount.Propagation.PRIVATE),
                        new TaskMount(Path.of("/srv/b"), "/local/b", false, TaskMount.Propagation.BIDIRECTIONAL))))
                .containsExactly(
                        "the exec driver mounts volumes below /alloc/ or /local/ (e.g. ${NOMAD_ALLOC_DIR}/data), got"
                                + " \"/srv/data\"",
                        "the exec driver mounts volumes below /alloc/ or /local/ (e.g. ${NOMAD_ALLOC_DIR}/data), got"
                                + " \"/alloc\"",
                        "the exec driver mounts volumes below /alloc/ or /local/ (e.g. ${NOMAD_ALLOC_DIR}/data), got"
                                + " \"/alloc/../etc\"",
                        "the exec driver mounts volumes with propagation_mode \"private\" only, got"
                                + " \"bidirectional\" for \"/local/b\"");
    }

    @Test
    void theMountPointIsMadeInTheTasksDirectoryAndTheVolumeIsBoundAfterIt() {
        TaskDirs dirs = TaskDirs.standard(dir.resolve("alloc-1"), "t");
        ChrootLayout layout = new ChrootLayout(
                dir.resolve("root"),
                Map.of(),
                dirs,
                List.of(new TaskMount(Path.of("/srv/vol"), "/alloc/data/v", true, TaskMount.Propagation.PRIVATE)));

        layout.createVolumeMountPoints();

        assertThat(dirs.allocDir().resolve("data/v")).isDirectory();
        List<String> tab = layout.fstab().lines().toList();
        int alloc = indexOf(tab, dir.resolve("root/alloc") + " none bind,nosuid,nodev");
        int volume = indexOf(tab, "/srv/vol " + dir.resolve("root/alloc/data/v") + " none bind,ro,nosuid,nodev");
        assertThat(alloc).isNotNegative().isLessThan(volume);
        assertThat(Files.exists(dir.resolve("root/alloc/data/v")))
                .as("nothing made in the shared root")
                .isFalse();
    }

    private static int indexOf(List<String> tab, String fragment) {
        for (int i = 0; i < tab.size(); i++) {
            if (tab.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
