package dev.taskdrivers.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriver;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.internal.state.StateStore;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory on a full filesystem (a small tmpfs): a clear event, no half-written file, tasks go on. */
@Tag("real")
class StateOnFullDiskTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private Path stateDir;
    private boolean mounted;
    private final FakeDriver fake = new FakeDriver();

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        RealEnvironment.require("root".equals(System.getProperty("user.name")), "root, to mount a tmpfs");
        stateDir = root.resolve("state");
        Files.createDirectories(stateDir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", stateDir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes());
        assertThat(mount.waitFor(30, TimeUnit.SECONDS)).isTrue();
        RealEnvironment.require(mount.exitValue() == 0, "a tmpfs mount (" + output.strip() + ")");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        fake.close();
        if (mounted) {
            new ProcessBuilder("umount", "-l", stateDir.toString())
                    .inheritIO()
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullStateDiskIsReportedLeavesNoHalfWrittenFileAndTheTaskIsStillManaged() throws Exception {
        Path filler = fill(stateDir.resolve("filler"));
        try (TaskRunner runner = TaskRunner.builder()
                .stateDir(stateDir)
                .dataDir(root.resolve("data"))
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(new FaultyDriver(fake))), root.resolve("data/drivers"), Map.of()))
                .build()) {
            AllocationHandle alloc = runner.submit(DriverFaultsTest.job()).get(0);

            await().atMost(WAIT)
                    .until(() -> alloc.status().tasks().get("faulty").state() == TaskState.RUNNING
                            && alloc.events("faulty").stream().anyMatch(e -> e.type() == TaskEventType.STARTED));
            assertThat(alloc.events("faulty"))
                    .filteredOn(e -> e.type() == TaskEventType.TASK_HOOK_FAILED)
                    .singleElement() // once per run of failures, not once per write
                    .satisfies(e -> assertThat(e.message())
                            .contains("cannot write the task's state")
                            .contains("No space left on device"));
            assertNoPartialStateFiles();

            Files.delete(filler);
            AllocationStatus status = alloc.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(status.tasks().values())
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.DEAD));
            assertNoPartialStateFiles();
            StateStore.LoadResult onDisk = new StateStore(stateDir).loadAll();
            assertThat(onDisk.problems()).isEmpty();
            assertThat(onDisk.tasks())
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.status()).isEqualTo("DEAD"));
        }
    }

    private void assertNoPartialStateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            List<Path> temps = files.filter(p -> p.getFileName().toString().endsWith(".tmp") && !isEmpty(p))
                    .toList();
            assertThat(temps).as("half-written state files").isEmpty();
        }
        assertThat(new StateStore(stateDir).loadAll().problems())
                .as("unreadable state files")
                .isEmpty();
    }

    private static boolean isEmpty(Path p) {
        try {
            return Files.size(p) == 0; // an empty temp file is made ahead of a write on purpose
        } catch (IOException e) {
            return true; // gone meanwhile
        }
    }

    /** Fills the filesystem until it is full; returns the filler to delete. */
    private static Path fill(Path filler) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return filler;
    }
}
