package dev.taskdrivers.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a report was measured on, read from {@code /proc} and the JVM.
 *
 * @param cpuModel the CPU model name
 * @param cores the processors this JVM may use
 * @param memory total memory, e.g. {@code 23.5 GiB}
 * @param kernel the kernel release
 * @param java the Java runtime's vendor and version
 */
public record MachineInfo(String cpuModel, int cores, String memory, String kernel, String java) {

    /** Describes this machine; a value that cannot be read is {@code unknown}. */
    public static MachineInfo current() {
        String cpu = lines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown");
        String memory = lines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .filter(s -> !s.isEmpty())
                .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0))
                .findFirst()
                .orElse("unknown");
        String kernel = lines(Path.of("/proc/sys/kernel/osrelease")).stream()
                .findFirst()
                .orElse("unknown");
        String java = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.vm.name", "") + " "
                + Runtime.version();
        return new MachineInfo(cpu, Runtime.getRuntime().availableProcessors(), memory, kernel, java.trim());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
