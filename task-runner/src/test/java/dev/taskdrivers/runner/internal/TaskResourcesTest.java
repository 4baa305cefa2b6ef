package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskResourcesTest {
    private final TaskSpec spec = TaskSpec.builder("t", "raw_exec")
            .cpu(250)
            .memoryMb(64)
            .memoryMaxMb(128)
            .cores(2)
            .build();
    private final List<Port> ports = List.of(new Port("http", 8080, "127.0.0.1"));
    private final AtomicReference<List<Integer>> held = new AtomicReference<>(List.of());

    @Test
    void theResourcesCarryTheSpecsLimitsThePortsAndTheCoresTheTaskHolds() {
        TaskResources resources = new TaskResources(spec, ports, held::get);
        held.set(List.of(2, 3));

        Resources r = resources.get();

        assertThat(r.reservedCores()).containsExactly(2, 3);
        assertThat(r.cpuset()).isEqualTo("2-3");
        assertThat(r.cpuMhz()).isEqualTo(250);
        assertThat(r.memoryMb()).isEqualTo(64);
        assertThat(r.memoryMaxMb()).isEqualTo(128);
        assertThat(r.ports()).isEqualTo(ports);
    }

    @Test
    void theSameResourcesAreReturnedUntilTheCoresChange() {
        TaskResources resources = new TaskResources(spec, ports, held::get);

        Resources before = resources.get();
        assertThat(resources.get()).isSameAs(before);
        assertThat(before.reservedCores())
                .as("no cores before they are reserved")
                .isEmpty();
        held.set(List.of(1, 2));
        Resources reserved = resources.get();

        assertThat(reserved.reservedCores()).containsExactly(1, 2);
        assertThat(resources.get()).isSameAs(reserved);
    }
}
