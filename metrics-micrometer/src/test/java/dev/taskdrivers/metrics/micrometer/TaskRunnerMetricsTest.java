package dev.taskdrivers.metrics.micrometer;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.real.RawExec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.tck.RealEnvironment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters of real tasks: raw_exec starts, a failure and its restart, and an exec task killed for its memory. */
@Tag("real")
class TaskRunnerMetricsTest {
    private static final Set<String> ALL_ALLOCS = new HashSet<>();

    @TempDir
    Path root;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TaskRunner runner;

    private TaskRunner runner() {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .listener(new TaskRunnerMetrics(meters))
                .build();
        return runner;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.allocations().forEach(a -> ALL_ALLOCS.add(a.id()));
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertThat(RawExec.processesOf(ALL_ALLOCS))
                .as("processes of this test's tasks")
                .isEmpty();
    }

    @Test
    void aStartIsCountedTimedAndTheTaskIsCountedAsRunning() {
        RawExec.require(root.resolve("probe"));
        AllocationHandle alloc = runner().submit(JobSpec.service(
                        "web", List.of(GroupSpec.of("front", List.of(shell("server", "exec sleep 600"))))))
                .get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("server").state() == TaskState.RUNNING);

        assertThat(counter(TaskRunnerMetrics.STARTS, "raw_exec", "web", "front", "server"))
                .isEqualTo(1);
        Timer latency = meters.get(TaskRunnerMetrics.START_LATENCY)
                .tags("driver", "raw_exec", "outcome", "started")
                .timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(gauge("running")).isEqualTo(1);
        assertThat(gauge("dead")).isZero();
        assertThat(meters.find(TaskRunnerMetrics.FAILURES).counters()).isEmpty();
    }

    @Test
    void aFailedRunIsCountedAndItsRestartToo() throws Exception {
        RawExec.require(root.resolve("probe"));
        RestartPolicy once = RestartPolicy.builder()
                .attempts(1)
                .interval(Duration.ofMinutes(5))
                .delay(Duration.ofMillis(10))
                .jitter(Duration.ZERO)
                .mode(RestartPolicy.Mode.FAIL)
                .build();
        TaskSpec failing = shell("worker", "exit 3").withRestart(once);
        AllocationHandle alloc = runner().submit(
                        JobSpec.service("jobs", List.of(GroupSpec.of("workers", List.of(failing)))))
                .get(0);

        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(counter(TaskRunnerMetrics.STARTS, "raw_exec", "jobs", "workers", "worker"))
                .isEqualTo(2);
        assertThat(counter(TaskRunnerMetrics.RESTARTS, "raw_exec", "jobs", "workers", "worker"))
                .isEqualTo(1);
        assertThat(meters.get(TaskRunnerMetrics.FAILURES)
                        .tags("driver", "raw_exec", "job", "jobs", "group", "workers", "task", "worker")
                        .tag("reason", "exit")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(meters.get(TaskRunnerMetrics.START_LATENCY)
                        .tag("driver", "raw_exec")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(gauge("dead")).isEqualTo(1);
        assertThat(meters.find(TaskRunnerMetrics.OOM_KILLS).counters()).isEmpty();
    }

    @Test
    void aRequestedRestartIsNoFailure() {
        RawExec.require(root.resolve("probe"));
        AllocationHandle alloc = runner().submit(JobSpec.service(
                        "web", List.of(GroupSpec.of("front", List.of(shell("server", "exec sleep 600"))))))
                .get(0);
        await().atMost(WAIT).until(() -> alloc.status().tasks().get("server").state() == TaskState.RUNNING);

        alloc.restart("server");

        await().atMost(WAIT).until(() -> counter(TaskRunnerMetrics.STARTS, "raw_exec", "web", "front", "server") == 2);
        assertThat(counter(TaskRunnerMetrics.RESTARTS, "raw_exec", "web", "front", "server"))
                .isEqualTo(1);
        assertThat(meters.find(TaskRunnerMetrics.FAILURES).counters()).isEmpty();
    }

    @Test
    void anExecTaskKilledForItsMemoryIsAnOomKill() throws Exception {
        requireHealthy("exec");
        TaskSpec hog = TaskSpec.of("hog", "exec", Map.of("command", "tail", "args", List.of("/dev/zero")))
                .withResources(100, 32)
                .withRestart(RestartPolicy.NEVER);
        AllocationHandle alloc = runner().submit(JobSpec.batch("mem", List.of(GroupSpec.of("g", List.of(hog)))))
                .get(0);

        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("hog").lastExit())
                .hasValueSatisfying(e -> assertThat(e.oomKilled()).isTrue());
        assertThat(counter(TaskRunnerMetrics.OOM_KILLS, "exec", "mem", "g", "hog"))
                .isEqualTo(1);
        assertThat(meters.get(TaskRunnerMetrics.FAILURES)
                        .tag("reason", "exit")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    private double counter(String name, String driver, String job, String group, String task) {
        Counter c = meters.find(name)
                .tags("driver", driver, "job", job, "group", group, "task", task)
                .counter();
        return c == null ? 0 : c.count();
    }

    private double gauge(String state) {
        return meters.get(TaskRunnerMetrics.TASKS).tag("state", state).gauge().value();
    }

    private void requireHealthy(String driverName) {
        Fingerprint f;
        try (DriverRegistry drivers =
                DriverRegistry.load(getClass().getClassLoader(), root.resolve("probe"), Map.of())) {
            f = drivers.has(driverName)
                    ? drivers.driver(driverName).fingerprint()
                    : Fingerprint.undetected(driverName + " is not on the class path");
        }
        RealEnvironment.require(f.isHealthy(), "a healthy " + driverName + " driver (" + f.description() + ")");
    }
}
