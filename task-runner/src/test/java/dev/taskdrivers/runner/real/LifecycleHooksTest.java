package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.TaskEventType.KILLED;
import static dev.taskdrivers.runner.TaskEventType.MAIN_TASKS_DEAD;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.WAITING;
import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.RecoveryReport;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskLifecycle;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lifecycle hooks with real processes: each task is a shell script that writes marker files (with the time in
 * nanoseconds) into the allocation's shared directory and checks the markers of the tasks it must come after, exiting
 * with a code of its own when one is missing.
 */
@Tag("real")
class LifecycleHooksTest {
    /** Marks {@code $1} with the current time; the file appears with its time in it (renamed into place). */
    private static final String MARK =
            "mark() { date +%s%N > \"$NOMAD_ALLOC_DIR/$1.tmp\" && mv \"$NOMAD_ALLOC_DIR/$1.tmp\" \"$NOMAD_ALLOC_DIR/$1\"; }; ";
    /** Waits until the file {@code $1} exists in the alloc dir. */
    private static final String AWAIT = "await() { while [ ! -e \"$NOMAD_ALLOC_DIR/$1\" ]; do sleep 0.05; done; }; ";

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec(b -> b.serviceRegistry(new InProcessServiceRegistry()));

    private static TaskSpec task(String name, TaskLifecycle lifecycle, String script) {
        TaskSpec t = RawExec.shell(name, MARK + AWAIT + script);
        return lifecycle == null ? t : t.toBuilder().lifecycle(lifecycle).build();
    }

    private static JobSpec job(JobType type, TaskSpec... tasks) {
        return JobSpec.builder("hooks")
                .type(type)
                .group(GroupSpec.of("g", List.of(tasks)))
                .build();
    }

    private static List<TaskEventType> types(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::type).toList();
    }

    private static Path allocDir(AllocationHandle alloc) {
        return alloc.status().tasks().values().iterator().next().allocDir();
    }

    private static java.time.Instant startedAt(AllocationStatus status, String task) {
        return status.tasks().get(task).events().stream()
                .filter(e -> e.type() == STARTED)
                .findFirst()
                .orElseThrow()
                .time();
    }

    private static long time(Path allocDir, String marker) throws IOException {
        return Long.parseLong(Files.readString(allocDir.resolve(marker)).trim());
    }

    @Test
    void tasksRunPrestartThenMainThenPoststartAndPoststopAfterTheMainTasksWhileTheSidecarRunsAlongside()
            throws Exception {
        TaskSpec init = task(
                "init",
                TaskLifecycle.prestart(),
                // a started task's program may run its first line a little later (it joins its cgroups first)
                "mark init-start; await release-init; await sidecar-start; mark init-done");
        TaskSpec sidecar = task(
                "sidecar",
                TaskLifecycle.prestartSidecar(),
                "trap 'mark sidecar-stopped; exit 0' TERM; mark sidecar-start; while true; do sleep 0.05; done");
        TaskSpec main = task(
                "main",
                null,
                "[ -e \"$NOMAD_ALLOC_DIR/init-done\" ] || exit 11; mark main-start; await poststart-done;"
                        + " mark main-done");
        TaskSpec poststart = task(
                "poststart", TaskLifecycle.poststart(), "await main-start; mark poststart-start; mark poststart-done");
        TaskSpec poststop = task(
                "poststop",
                TaskLifecycle.poststop(),
                "[ -e \"$NOMAD_ALLOC_DIR/main-done\" ] || exit 13; mark poststop-start");

        AllocationHandle alloc = real.runner()
                .submit(job(JobType.BATCH, poststop, poststart, main, sidecar, init))
                .get(0);
        Path dir = allocDir(alloc);
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("init-start")));

        // the prestart task runs and has not completed: the main and post tasks wait, saying for what
        assertThat(types(alloc.events("main"))).contains(WAITING).doesNotContain(STARTED);
        assertThat(alloc.events("main").stream().filter(e -> e.type() == WAITING))
                .first()
                .satisfies(e -> assertThat(e.details()).containsEntry("waiting_for", "prestart"))
                .satisfies(e -> assertThat(e.message()).contains("init"));
        assertThat(types(alloc.events("poststart"))).contains(WAITING).doesNotContain(STARTED);
        assertThat(types(alloc.events("poststop"))).contains(WAITING).doesNotContain(STARTED);
        Files.writeString(dir.resolve("release-init"), "");

        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        status.tasks()
                .forEach((name, t) -> assertThat(t.succeeded())
                        .as(name + " " + t.lastExit() + " " + types(t.events()))
                        .isTrue());
        assertThat(time(dir, "init-done")).isLessThan(time(dir, "main-start"));
        assertThat(startedAt(status, "poststart"))
                .as("poststart started once main had")
                .isAfterOrEqualTo(startedAt(status, "main"));
        assertThat(startedAt(status, "sidecar"))
                .as("the sidecar started beside init, before it completed")
                .isBefore(startedAt(status, "main"));
        assertThat(time(dir, "main-start")).isLessThan(time(dir, "poststart-start"));
        assertThat(time(dir, "main-done")).isLessThan(time(dir, "poststop-start"));
        assertThat(time(dir, "sidecar-start")).isLessThan(time(dir, "main-start"));
        // the sidecar ran alongside and was stopped once the main task was done
        assertThat(time(dir, "main-done")).isLessThan(time(dir, "sidecar-stopped"));
        assertThat(types(status.tasks().get("sidecar").events())).containsSubsequence(MAIN_TASKS_DEAD, KILLED);
        assertThat(status.tasks().get("init").restarts()).isZero();
    }

    @Test
    void aSidecarThatDiesIsRestartedByItsPolicyAndAnEphemeralPrestartThatSucceededIsNot() throws Exception {
        RestartPolicy quick = RestartPolicy.builder()
                .attempts(3)
                .interval(Duration.ofMinutes(5))
                .delay(Duration.ofMillis(100))
                .mode(RestartPolicy.Mode.FAIL)
                .jitter(Duration.ZERO)
                .build();
        TaskSpec init = task("init", TaskLifecycle.prestart(), "echo ran >> \"$NOMAD_ALLOC_DIR/init-runs\"")
                .withRestart(quick);
        // its first run dies, the next ones run until stopped
        TaskSpec sidecar = task(
                        "sidecar",
                        TaskLifecycle.prestartSidecar(),
                        "echo ran >> \"$NOMAD_ALLOC_DIR/sidecar-runs\";"
                                + " [ $(wc -l < \"$NOMAD_ALLOC_DIR/sidecar-runs\") -ge 2 ] || exit 3;"
                                + " while true; do sleep 0.05; done")
                .withRestart(quick);
        TaskSpec main = task("main", null, "while true; do sleep 0.05; done").withRestart(quick);

        AllocationHandle alloc =
                real.runner().submit(job(JobType.SERVICE, init, sidecar, main)).get(0);
        Path dir = allocDir(alloc);

        await().atMost(WAIT)
                .until(() -> alloc.status().tasks().get("sidecar").restarts() == 1
                        && alloc.status().tasks().get("sidecar").state() == TaskState.RUNNING
                        && alloc.status().tasks().get("main").state() == TaskState.RUNNING);
        TaskStatus initStatus = alloc.status().tasks().get("init");
        assertThat(initStatus.state()).isEqualTo(TaskState.DEAD);
        assertThat(initStatus.succeeded()).isTrue();
        assertThat(initStatus.restarts()).isZero(); // in a service job a main task exiting 0 would be restarted
        assertThat(Files.readAllLines(dir.resolve("init-runs"))).hasSize(1);
        // RUNNING says its second run started, not that its first line was written yet
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Files.readAllLines(dir.resolve("sidecar-runs")))
                        .hasSize(2));
        assertThat(types(alloc.events("sidecar"))).containsSubsequence(STARTED, RESTARTING, STARTED);

        AllocationStatus stopped = alloc.stop().get();
        assertThat(stopped.tasks().get("sidecar").state()).isEqualTo(TaskState.DEAD);
    }

    @Test
    void aFailedPrestartFailsTheAllocationAfterItsRestartsWithoutStartingTheMainTaskAndPoststopStillRuns()
            throws Exception {
        TaskSpec init = task("init", TaskLifecycle.prestart(), "echo ran >> \"$NOMAD_ALLOC_DIR/init-runs\"; exit 5")
                .withRestart(RestartPolicy.builder()
                        .attempts(1)
                        .interval(Duration.ofMinutes(5))
                        .delay(Duration.ofMillis(100))
                        .mode(RestartPolicy.Mode.FAIL)
                        .jitter(Duration.ZERO)
                        .build());
        TaskSpec main = task("main", null, "mark main-start");
        TaskSpec poststop = task("poststop", TaskLifecycle.poststop(), "mark poststop-start");

        AllocationHandle alloc =
                real.runner().submit(job(JobType.BATCH, init, main, poststop)).get(0);
        AllocationStatus status = alloc.await(WAIT);
        Path dir = allocDir(alloc);

        assertThat(status.failed()).isTrue();
        TaskStatus initStatus = status.tasks().get("init");
        assertThat(initStatus.failed()).isTrue();
        assertThat(initStatus.restarts()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("init-runs"))).hasSize(2);
        assertThat(initStatus.lastExit().orElseThrow().exitCode()).isEqualTo(5);
        assertThat(Files.exists(dir.resolve("main-start"))).isFalse();
        assertThat(types(status.tasks().get("main").events()))
                .contains(WAITING, TaskEventType.SIBLING_TASK_FAILED, KILLED)
                .doesNotContain(STARTED);
        assertThat(Files.exists(dir.resolve("poststop-start")))
                .as("poststop ran")
                .isTrue();
        assertThat(status.tasks().get("poststop").succeeded()).isTrue();
    }

    @Test
    void poststopRunsAfterTheUserStopsTheAllocationAndTheAllocationEndsAfterIt() throws Exception {
        TaskSpec main = task(
                "main",
                null,
                "trap 'mark main-stopped; exit 0' TERM; mark main-start; while true; do sleep 0.05; done");
        TaskSpec poststop = task(
                "poststop",
                TaskLifecycle.poststop(),
                "[ -e \"$NOMAD_ALLOC_DIR/main-stopped\" ] || exit 13; mark poststop-start; await release-poststop;"
                        + " mark poststop-done");
        AllocationHandle alloc =
                real.runner().submit(job(JobType.SERVICE, main, poststop)).get(0);
        Path dir = allocDir(alloc);
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("main-start")));
        assertThat(types(alloc.events("poststop"))).contains(WAITING).doesNotContain(STARTED);

        var stopped = alloc.stop();

        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("poststop-start")));
        assertThat(stopped).as("the allocation waits for its poststop task").isNotDone();
        Files.writeString(dir.resolve("release-poststop"), "");
        AllocationStatus status = stopped.get();
        assertThat(status.tasks().get("poststop").succeeded()).isTrue();
        assertThat(time(dir, "main-stopped")).isLessThan(time(dir, "poststop-start"));
        assertThat(Files.exists(dir.resolve("poststop-done"))).isTrue();
    }

    @Test
    void aRunnerRestartedBetweenThePrestartTasksAndTheMainTaskDoesNotRunACompletedPrestartAgain() throws Exception {
        TaskSpec quick = task("quick", TaskLifecycle.prestart(), "echo ran >> \"$NOMAD_ALLOC_DIR/quick-runs\"");
        TaskSpec slow = task(
                "slow",
                TaskLifecycle.prestart(),
                "echo ran >> \"$NOMAD_ALLOC_DIR/slow-runs\"; await release-slow; mark slow-done");
        TaskSpec main = task(
                "main",
                null,
                "[ -e \"$NOMAD_ALLOC_DIR/slow-done\" ] || exit 11; echo ran >> \"$NOMAD_ALLOC_DIR/main-runs\"");
        AllocationHandle first =
                real.runner().submit(job(JobType.BATCH, quick, slow, main)).get(0);
        Path dir = allocDir(first);
        await().atMost(WAIT)
                .until(() -> first.status().tasks().get("quick").state() == TaskState.DEAD
                        && Files.exists(dir.resolve("slow-runs")));
        assertThat(types(first.events("main"))).contains(WAITING).doesNotContain(STARTED);
        real.closeRunner(); // leaves the slow prestart task running, as a runner killed would

        RecoveryReport report = real.newRunner().recover();
        assertThat(report.reattached()).isEqualTo(1); // slow; quick is done, main never started
        AllocationHandle recovered = report.allocations().get(0);
        assertThat(types(recovered.events("main"))).doesNotContain(STARTED);
        Files.writeString(dir.resolve("release-slow"), "");
        AllocationStatus status = recovered.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(Files.readAllLines(dir.resolve("quick-runs")))
                .as("runs of quick")
                .hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("slow-runs")))
                .as("runs of slow")
                .hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("main-runs")))
                .as("runs of main")
                .hasSize(1);
        assertThat(status.tasks().get("main").succeeded()).isTrue();
    }
}
