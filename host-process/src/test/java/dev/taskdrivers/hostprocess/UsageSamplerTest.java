package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UsageSamplerTest {

    @Test
    void aBusyTaskUsesCpuAndMemoryAndAnEndedOneNothing() throws Exception {
        // a shell that spins in a child of its own: the task's usage is the sum over its processes
        Process task = new ProcessBuilder("setsid", "sh", "-c", "sh -c 'while :; do :; done' & wait").start();
        try {
            ProcessIdentity leader = await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessIdentity.find(task.pid()), found -> found.isPresent())
                    .orElseThrow();
            UsageSampler sampler = UsageSampler.ofTask(leader);
            ProcessUsage first = sampler.sample();
            assertThat(first.cpuPercent()).as("no earlier sample").isZero();
            assertThat(first.rssBytes()).isPositive();
            AtomicReference<ProcessUsage> later = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                later.set(sampler.sample());
                return later.get().cpuNanos() > first.cpuNanos() && later.get().cpuPercent() > 0;
            });
            assertThat(UsageSampler.ofProcess(leader).sample().cpuNanos())
                    .as("the leader alone waits, its child spins")
                    .isLessThan(later.get().cpuNanos());
            new ProcessSignaller().killAll(leader);
            task.waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> sampler.sample().rssBytes() == 0);
            assertThat(sampler.sample().cpuNanos()).isZero();
        } finally { // the spinning child too, also when an assertion failed before the kill
            task.descendants().forEach(ProcessHandle::destroyForcibly);
            task.destroyForcibly();
        }
    }
}
