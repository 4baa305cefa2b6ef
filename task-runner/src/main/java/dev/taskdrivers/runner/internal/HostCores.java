package dev.taskdrivers.runner.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The cpu cores this runner may run tasks on (the process's own cpuset). Which of them a running task gets is
 * {@link CoreReservations}' business.
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
