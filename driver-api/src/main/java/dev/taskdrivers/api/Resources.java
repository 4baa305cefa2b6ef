package dev.taskdrivers.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resources granted to a task.
 *
 * @param cpuMhz cpu share in MHz (used for cpu shares / weight)
 * @param memoryMb hard memory limit in MiB
 * @param ports host ports granted, by label
 */
public record Resources(int cpuMhz, int memoryMb, List<Port> ports) {
    public static final int DEFAULT_CPU_MHZ = 100;
    public static final int DEFAULT_MEMORY_MB = 300;

    public Resources {
        if (cpuMhz <= 0) {
            throw new IllegalArgumentException("cpuMhz must be positive: " + cpuMhz);
        }
        if (memoryMb <= 0) {
            throw new IllegalArgumentException("memoryMb must be positive: " + memoryMb);
        }
        ports = List.copyOf(Objects.requireNonNull(ports, "ports"));
    }

    public static Resources defaults() {
        return new Resources(DEFAULT_CPU_MHZ, DEFAULT_MEMORY_MB, List.of());
    }

    public Optional<Port> port(String label) {
        return ports.stream().filter(p -> p.label().equals(label)).findFirst();
    }
}
