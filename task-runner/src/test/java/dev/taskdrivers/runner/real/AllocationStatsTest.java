package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static dev.taskdrivers.runner.real.RawExec.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.ResourceUsage;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskUsage;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AllocationHandle#stats()} of real raw_exec tasks: what each uses, its limits, and the allocation's sum. */
@Tag("real")
class AllocationStatsTest {
    private static final long MIB = 1024L * 1024;

    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @Test
    void eachTaskIsSampledThroughItsDriverAndTheAllocationIsTheirSum() {
        JobSpec job = JobSpec.service(
                "usage",
                List.of(GroupSpec.of(
                        "g",
                        List.of(
                                shell("busy", "while :; do :; done").withResources(300, 64),
                                shell("idle", "exec sleep 600").withResources(100, 32)))));
        AllocationHandle alloc = real.runner().submit(job).get(0);
        await().atMost(WAIT)
                .until(() -> alloc.status().tasks().values().stream().allMatch(t -> t.state() == TaskState.RUNNING));

        // cpu percent is measured between two samples of the same task
        AtomicReference<AllocationUsage> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(alloc.stats());
            return last.get().tasks().get("busy").usage().cpuPercent() > 1;
        });
        AllocationUsage usage = last.get();

        TaskUsage busy = usage.tasks().get("busy");
        TaskUsage idle = usage.tasks().get("idle");
        assertThat(busy.measured()).isTrue();
        assertThat(busy.driver()).isEqualTo("raw_exec");
        assertThat(busy.usage().cpuTicks()).isPositive();
        assertThat(busy.usage().cpuTotalNanos()).isPositive();
        assertThat(busy.usage().memoryRssBytes()).isPositive();
        assertThat(busy.usage().cpuLimitMhz()).isEqualTo(300);
        assertThat(busy.usage().memoryLimitBytes()).isEqualTo(64 * MIB);
        assertThat(idle.measured()).isTrue();
        assertThat(idle.usage().memoryRssBytes()).isPositive();
        assertThat(idle.usage().cpuPercent()).isLessThan(busy.usage().cpuPercent());

        ResourceUsage total = usage.total();
        assertThat(total.cpuLimitMhz()).isEqualTo(400);
        assertThat(total.memoryLimitBytes()).isEqualTo(96 * MIB);
        assertThat(total.memoryRssBytes())
                .isEqualTo(busy.usage().memoryRssBytes() + idle.usage().memoryRssBytes());
        assertThat(total.cpuPercent())
                .isEqualTo(busy.usage().cpuPercent() + idle.usage().cpuPercent());
        assertThat(usage.allocName()).isEqualTo("usage.g[0]");
    }

    @Test
    void aTaskThatEndedIsUnmeasuredWithItsLimits() throws Exception {
        AllocationHandle alloc = real.runner()
                .submit(JobSpec.batch(
                        "ended",
                        List.of(GroupSpec.of(
                                "g", List.of(shell("once", "exit 0").withResources(200, 48))))))
                .get(0);
        alloc.await(WAIT);

        TaskUsage once = alloc.stats().tasks().get("once");

        assertThat(once.measured()).isFalse();
        assertThat(once.unmeasured()).hasValue("not running (dead)");
        assertThat(once.state()).isEqualTo(TaskState.DEAD);
        assertThat(once.usage()).isEqualTo(ResourceUsage.unused(200, 48 * MIB));
    }
}
