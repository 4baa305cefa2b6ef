package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpareAllocationTreesTest {
    @TempDir
    Path allocRoot;

    @Test
    void aTakenTreeBecomesTheAllocationsDirectoryAndRefillMakesAnother() throws Exception {
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 2);
        spares.refill();
        assertThat(sparesIn(allocRoot)).isEqualTo(2);

        Path allocation = allocRoot.resolve("a1");
        assertThat(spares.takeInto(allocation)).isTrue();

        assertThat(allocation.resolve("alloc/logs")).isDirectory();
        assertThat(SpareAllocationTrees.taskSlot(allocation).resolve("local")).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        SpareAllocationTrees.taskSlot(allocation).resolve("secrets"))))
                .isEqualTo("rwx------");
        assertThat(sparesIn(allocRoot)).isEqualTo(1);
        spares.refill();
        assertThat(sparesIn(allocRoot)).isEqualTo(2);
    }

    @Test
    void nothingIsTakenWhenNoTreeIsReady() {
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 1);

        assertThat(spares.takeInto(allocRoot.resolve("a1"))).isFalse();
        assertThat(allocRoot.resolve("a1")).doesNotExist();
    }

    @Test
    void aTreeIsNeverMovedOverAnExistingAllocation() throws Exception {
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 1);
        spares.refill();
        Path allocation = Files.createDirectories(allocRoot.resolve("a1/alloc"));
        Files.writeString(allocation.resolve("kept"), "x");

        assertThat(spares.takeInto(allocRoot.resolve("a1"))).isFalse();
        assertThat(allocation.resolve("kept")).hasContent("x");
    }

    @Test
    void closeTakesAwayEverySpareTreeTheLeftOnesOfAKilledRunnerTooButNoAllocation() throws Exception {
        Files.createDirectories(allocRoot.resolve(".spare-left-by-a-killed-runner/alloc/logs"));
        Path allocation = Files.createDirectories(allocRoot.resolve("a1/web/local"));
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 2);
        spares.refill();

        spares.close();

        assertThat(sparesIn(allocRoot)).isZero();
        assertThat(allocation).isDirectory();
        assertThat(spares.takeInto(allocRoot.resolve("a2"))).isFalse();
        spares.refill();
        assertThat(sparesIn(allocRoot)).as("spare trees made after close").isZero();
    }

    @Test
    void theFirstTaskOfANewAllocationTakesTheTreeAndItsSiblingMakesItsOwn() throws Exception {
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 1);
        spares.refill();
        AllocationDirectories directories = new AllocationDirectories(spares);
        TaskDirs web = TaskDirs.standard(allocRoot.resolve("a1"), "web");
        TaskDirs db = TaskDirs.standard(allocRoot.resolve("a1"), "db");

        directories.create(web);
        directories.create(db);

        assertThat(sparesIn(allocRoot)).as("spare trees left").isZero();
        for (TaskDirs dirs : new TaskDirs[] {web, db}) {
            assertThat(dirs.logsDir()).isDirectory();
            assertThat(dirs.localDir()).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.secretsDir())))
                    .isEqualTo("rwx------");
        }
        try (Stream<Path> entries = Files.list(allocRoot.resolve("a1"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("alloc", "web", "db");
        }
    }

    @Test
    void aRestartedTaskKeepsItsDirectoriesAndTheirContent() throws Exception {
        SpareAllocationTrees spares = new SpareAllocationTrees(allocRoot, 1);
        spares.refill();
        AllocationDirectories directories = new AllocationDirectories(spares);
        TaskDirs web = TaskDirs.standard(allocRoot.resolve("a1"), "web");
        directories.create(web);
        Files.writeString(web.localDir().resolve("kept"), "x");
        spares.refill();

        directories.create(web);
        new AllocationDirectories(null).create(web); // as rebuilt from its state file by a new runner

        assertThat(web.localDir().resolve("kept")).hasContent("x");
        assertThat(sparesIn(allocRoot)).as("spare trees left").isEqualTo(1);
    }

    private static long sparesIn(Path allocRoot) throws Exception {
        try (Stream<Path> entries = Files.list(allocRoot)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(".spare-"))
                    .count();
        }
    }
}
