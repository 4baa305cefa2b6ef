package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The cpu cores this runner may run tasks on (the process's own cpuset). Which of them a running task gets is
 * {@link CoreReservations}' business; {@link #resources} gives the lowest ids, for a sample of a task checked before
 * it runs.
 */
public final class HostCores {
    private static final Path STATUS = Path.of("/proc/self/status");

    private HostCores() {}

    /** The ids of the cores this process may run on, in order. */
    public static List<Integer> usable() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no procfs: every processor the JVM sees
        }
        return IntStream.range(0, Runtime.getRuntime().availableProcessors())
                .boxed()
                .toList();
    }

    /** A task's resources: its cpu, memory and ports, its memory maximum, and the lowest {@code cores} usable ones. */
    public static Resources resources(int cpu, int memoryMb, List<Port> ports, int memoryMaxMb, int cores) {
        List<Integer> usable = cores > 0 ? usable() : List.of();
        if (cores > usable.size()) {
            throw new IllegalArgumentException(
                    "resources.cores asks for " + cores + " cores, this host has " + usable.size() + " to give");
        }
        return new Resources(cpu, memoryMb, ports, memoryMaxMb, usable.subList(0, cores));
    }

    /** The core ids of a cpuset list such as {@code 0-2,5}. */
    static List<Integer> parse(String list) {
        List<Integer> ids = new ArrayList<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            int from = Integer.parseInt(
                    part.substring(0, dash < 0 ? part.length() : dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
            for (int i = from; i <= to; i++) {
                ids.add(i);
            }
        }
        return ids;
    }
}
