package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TaskRunner#apply}: a job the runner already holds is taken over, never run twice. */
class JobApplyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private static JobSpec web(Object runMs) {
        TaskSpec web = task("web", Map.of("run_ms", runMs)).withPorts(List.of(PortSpec.dynamic("http")));
        return JobSpec.service("shop", List.of(GroupSpec.of("front", List.of(web))));
    }

    @Test
    void theSameJobAfterARunnerRestartIsRecoveredNotStartedAgain() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        String allocId;
        try (TaskRunner first = fx.runner()) {
            AllocationHandle alloc = first.apply(web(-1), false).get(0);
            allocId = alloc.id();
            await().atMost(WAIT).until(() -> types(alloc.events("web")).contains(TaskEventType.STARTED));
        }
        try (TaskRunner second = fx.runner()) {
            second.recover();

            List<AllocationHandle> again = second.apply(web(-1), false);

            assertThat(again).extracting(AllocationHandle::id).containsExactly(allocId);
            assertThat(fx.driver.calls.stream().filter(c -> c.startsWith("start ")))
                    .hasSize(1);
            assertThat(second.allocations()).hasSize(1);
            second.stopAll(WAIT);
        }
    }

    @Test
    void aChangedJobThatStillRunsIsAConflictUnlessReplaced() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle old = runner.apply(web(-1), false).get(0);
            await().atMost(WAIT).until(() -> types(old.events("web")).contains(TaskEventType.STARTED));

            assertThatThrownBy(() -> runner.apply(web(600_000), false))
                    .isInstanceOfSatisfying(JobConflictException.class, e -> {
                        assertThat(e.jobName()).isEqualTo("shop");
                        assertThat(e.runningAllocations()).containsExactly("shop.front[0]");
                        assertThat(e.getMessage()).contains("--replace");
                    });
            assertThat(old.status().tasks().get("web").state()).isEqualTo(TaskState.RUNNING);

            AllocationHandle replacement = runner.apply(web(600_000), true).get(0);

            assertThat(replacement.id()).isNotEqualTo(old.id());
            assertThat(types(old.events("web"))).contains(TaskEventType.KILLED);
            assertThat(runner.allocation(old.id())).isEmpty();
            await().atMost(WAIT).until(() -> types(replacement.events("web")).contains(TaskEventType.STARTED));
            runner.stopAll(WAIT);
        }
    }

    @Test
    void aChangedJobWhoseOldRunFinishedIsSimplySubmitted() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle old = runner.apply(
                            JobSpec.batch(
                                    "once", List.of(GroupSpec.of("g", List.of(task("t", Map.of("exit_code", 0)))))),
                            false)
                    .get(0);
            old.await(WAIT);

            AllocationHandle next = runner.apply(
                            JobSpec.batch(
                                    "once", List.of(GroupSpec.of("g", List.of(task("t", Map.of("exit_code", 1)))))),
                            false)
                    .get(0);

            assertThat(next.id()).isNotEqualTo(old.id());
            assertThat(next.await(WAIT).failed()).isTrue();
        }
    }

    @Test
    void aCallersFutureCannotFinishTheAllocation() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle alloc = runner.submit(web(-1)).get(0);
            await().atMost(WAIT).until(() -> types(alloc.events("web")).contains(TaskEventType.STARTED));

            alloc.completion().complete(null);
            alloc.completion().cancel(true);

            assertThat(alloc.completion()).isNotDone();
            assertThatThrownBy(() -> runner.forget(alloc.id()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running");
            assertThat(fx.dataDir.resolve("alloc").resolve(alloc.id())).isDirectory();
            assertThat(alloc.stop().get().finished()).isTrue();
        }
    }

    @Test
    void aTaskStatusTellsItsPortsNetworkAndDirectories() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle alloc = runner.submit(web(-1)).get(0);
            await().atMost(WAIT).until(() -> alloc.status().tasks().get("web").state() == TaskState.RUNNING);

            TaskStatus web = alloc.status().tasks().get("web");

            assertThat(web.port("http")).hasValueSatisfying(p -> {
                assertThat(p.hostIp()).isEqualTo("127.0.0.1");
                assertThat(p.value()).isBetween(20000, 32000);
            });
            assertThat(web.allocDir())
                    .isEqualTo(fx.dataDir
                            .toAbsolutePath()
                            .resolve("alloc")
                            .resolve(alloc.id())
                            .resolve("alloc"));
            assertThat(web.allocDir()).isDirectory();
            assertThat(web.taskDir().resolve("local")).isDirectory();
            runner.stopAll(WAIT);
        }
    }

    @Test
    void relativeDirectoriesAreMadeAbsoluteWhereTheyEnter() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(root.toAbsolutePath());
        RunnerFixture fx = new RunnerFixture(relative);
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle alloc = runner.submit(web(0)).get(0);
            alloc.await(WAIT);

            assertThat(alloc.status().tasks().get("web").allocDir()).isAbsolute();
            assertThat(alloc.status().tasks().get("web").allocDir()).startsWith(root.toAbsolutePath());
        }
    }
}
