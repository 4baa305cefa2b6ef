package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow driver calls of many tasks started together run at once, instead of in waves of the pool's old size. */
class DriverCallConcurrencyTest {
    private static final int TASKS = 30;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void everyTaskOfAJobIsInItsDriverCallAtOnce() throws Exception {
        RunnerFixture fx = new RunnerFixture(root);
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            tasks.add(task("t" + i, Map.of("run_ms", -1, "prestart_gated", true)));
        }
        try (TaskRunner runner = fx.runner()) {
            AllocationHandle alloc = runner.submit(JobSpec.of("job1", List.of(GroupSpec.of("group1", tasks))))
                    .get(0);
            try {
                // every prestart is held until the gate opens: all of them are in the driver at the same time
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(fx.driver.calls.stream()
                                        .filter(c -> c.startsWith("prestart "))
                                        .count())
                                .isEqualTo(TASKS));
            } finally {
                fx.driver.prestartGate.countDown();
            }
            await().atMost(WAIT).until(() -> fx.driver.running.size() == TASKS);
            alloc.stop().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
