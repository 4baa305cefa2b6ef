package dev.taskdrivers.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resources granted to a task.
 *
 * @param cpuMhz cpu share in MHz (used for cpu shares / weight)
 * @param memoryMb memory in MiB: the hard limit, or the reservation when {@code memoryMaxMb} is set
 * @param ports host ports granted, by label
 * @param memoryMaxMb the hard memory limit in MiB when the task may use more than {@code memoryMb} (Nomad's
 *     {@code memory_max}, memory oversubscription); 0 when not set
 * @param reservedCores the ids of the cpu cores the task may run on alone (Nomad's {@code cores}); empty when not set
 */
public record Resources(int cpuMhz, int memoryMb, List<Port> ports, int memoryMaxMb, List<Integer> reservedCores) {
    public static final int DEFAULT_CPU_MHZ = 100;
    public static final int DEFAULT_MEMORY_MB = 300;

    public Resources {
        if (cpuMhz <= 0) {
            throw new IllegalArgumentException("cpuMhz must be positive: " + cpuMhz);
        }
        if (memoryMb <= 0) {
            throw new IllegalArgumentException("memoryMb must be positive: " + memoryMb);
        }
        if (memoryMaxMb != 0 && memoryMaxMb < memoryMb) {
            throw new IllegalArgumentException(
                    "memoryMaxMb must be 0 (not set) or at least memoryMb " + memoryMb + ": " + memoryMaxMb);
        }
        ports = List.copyOf(Objects.requireNonNull(ports, "ports"));
        reservedCores = List.copyOf(Objects.requireNonNull(reservedCores, "reservedCores"));
        if (reservedCores.stream().anyMatch(c -> c < 0)
                || new HashSet<>(reservedCores).size() != reservedCores.size()) {
            throw new IllegalArgumentException("reservedCores must be distinct core ids: " + reservedCores);
        }
    }

    /** Cpu, memory and ports, without a memory maximum or reserved cores. */
    public Resources(int cpuMhz, int memoryMb, List<Port> ports) {
        this(cpuMhz, memoryMb, ports, 0, List.of());
    }

    public static Resources defaults() {
        return new Resources(DEFAULT_CPU_MHZ, DEFAULT_MEMORY_MB, List.of());
    }

    /** These resources with a memory maximum of {@code mb} MiB (0 for none). */
    public Resources withMemoryMaxMb(int mb) {
        return new Resources(cpuMhz, memoryMb, ports, mb, reservedCores);
    }

    /** These resources with {@code cores} reserved (empty for none). */
    public Resources withReservedCores(List<Integer> cores) {
        return new Resources(cpuMhz, memoryMb, ports, memoryMaxMb, cores);
    }

    /** The most memory the task may use, in MiB: {@code memoryMaxMb} when set, else {@code memoryMb}. */
    public int memoryLimitMb() {
        return memoryMaxMb > 0 ? memoryMaxMb : memoryMb;
    }

    /** The reserved cores in the kernel's cpuset notation ({@code 0-2,5}); empty when none are reserved. */
    public String cpuset() {
        List<Integer> sorted = reservedCores.stream().sorted().toList();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(sorted.get(i));
            if (j > i) {
                out.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return out.toString();
    }

    public Optional<Port> port(String label) {
        return ports.stream().filter(p -> p.label().equals(label)).findFirst();
    }
}
