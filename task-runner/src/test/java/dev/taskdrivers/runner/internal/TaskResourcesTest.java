package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TaskResourcesTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final Supplier<List<Integer>> fourCores = () -> {
        reads.incrementAndGet();
        return List.of(0, 1, 2, 3);
    };

    @Test
    void theHostsCoresAreReadOnceHoweverOftenTheTasksResourcesAreAskedFor() {
        TaskSpec spec = TaskSpec.builder("t", "raw_exec")
                .cpu(250)
                .memoryMb(64)
                .memoryMaxMb(128)
                .cores(2)
                .build();
        List<Port> ports = List.of(new Port("http", 8080, "127.0.0.1"));
        TaskResources resources = new TaskResources(spec, ports, fourCores);

        Resources first = resources.get();
        Resources again = resources.get();
        resources.get();

        assertThat(reads).hasValue(1);
        assertThat(again).isEqualTo(first);
        assertThat(first.reservedCores()).containsExactly(0, 1);
        assertThat(first.cpuMhz()).isEqualTo(250);
        assertThat(first.memoryMb()).isEqualTo(64);
        assertThat(first.memoryMaxMb()).isEqualTo(128);
        assertThat(first.ports()).isEqualTo(ports);
    }

    @Test
    void aTaskWithoutCoresNeverReadsThem() {
        TaskResources resources =
                new TaskResources(TaskSpec.builder("t", "raw_exec").build(), List.of(), fourCores);

        assertThat(resources.get().reservedCores()).isEmpty();
        assertThat(reads).hasValue(0);
    }

    @Test
    void aTaskAskingForMoreCoresThanTheHostHasIsRefusedWithTheField() {
        TaskResources resources =
                new TaskResources(TaskSpec.builder("t", "raw_exec").cores(5).build(), List.of(), fourCores);

        assertThatThrownBy(resources::get)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resources.cores asks for 5 cores, this host has 4 to give");
    }
}
