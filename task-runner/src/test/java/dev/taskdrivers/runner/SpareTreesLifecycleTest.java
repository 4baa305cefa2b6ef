package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory trees a runner makes ahead of time for new allocations: used, and never left behind. */
class SpareTreesLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void anAllocationStartedFromASpareTreeHasTheUsualDirectoriesAndCloseRemovesTheSpares() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        Path allocRoot = fx.dataDir.resolve("alloc");
        try (TaskRunner runner = fx.runner()) {
            runner.submit(job(task("first", Map.of("run_ms", 0)))).get(0).await(WAIT);
            await().atMost(WAIT).until(() -> !spares(allocRoot).isEmpty());
            List<String> before = spares(allocRoot);

            AllocationHandle second =
                    runner.submit(job(task("web", Map.of("run_ms", 0)))).get(0);
            second.await(WAIT);

            List<String> after = spares(allocRoot);
            assertThat(before)
                    .as("spare trees before the second allocation, one of them taken by it")
                    .anyMatch(name -> !after.contains(name));

            Path allocation = allocRoot.resolve(second.id());
            assertThat(allocation.resolve("alloc/logs")).isDirectory();
            assertThat(allocation.resolve("web/local")).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(allocation.resolve("web/secrets"))))
                    .isEqualTo("rwx------");
            try (Stream<Path> entries = Files.list(allocation)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("alloc", "web");
            }
        }
        assertThat(spares(allocRoot)).as("spare trees after close").isEmpty();
    }

    @Test
    void aNewRunnerRemovesTheSpareTreesOfOneThatWasKilled() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        Path allocRoot = fx.dataDir.resolve("alloc");
        Files.createDirectories(allocRoot.resolve(".spare-0a1b/.task/local"));

        try (TaskRunner runner = fx.runner()) {
            assertThat(spares(allocRoot)).isEmpty();
        }
    }

    private static List<String> spares(Path allocRoot) throws Exception {
        try (Stream<Path> entries = Files.list(allocRoot)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".spare-"))
                    .toList();
        }
    }
}
