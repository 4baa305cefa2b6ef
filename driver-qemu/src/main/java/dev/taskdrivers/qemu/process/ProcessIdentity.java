package dev.taskdrivers.qemu.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process named by its pid and its start time in clock ticks since boot, so a pid the kernel recycled for another
 * process is never mistaken for the one we started.
 *
 * @param pid the process id
 * @param startTicks field 22 of {@code /proc/<pid>/stat}
 */
public record ProcessIdentity(long pid, long startTicks) {

    /** The identity of the live process {@code pid}, or empty when there is none. */
    public static Optional<ProcessIdentity> of(long pid) {
        return ProcStat.read(pid).filter(s -> !s.zombie()).map(s -> new ProcessIdentity(pid, s.startTicks()));
    }

    /** Whether this very process still runs (same pid, same start time, not a zombie). */
    public boolean isAlive() {
        return ProcStat.read(pid).filter(s -> !s.zombie() && s.startTicks() == startTicks).isPresent();
    }

    /** Sends SIGKILL ({@code force}) or SIGTERM, only if this very process still runs. */
    public boolean kill(boolean force) {
        if (!isAlive()) {
            return false;
        }
        return ProcessHandle.of(pid).map(h -> force ? h.destroyForcibly() : h.destroy()).orElse(false);
    }

    /** Writes {@code pid startTicks} to {@code file}, for cleanup when no handle state is at hand. */
    public void writeTo(Path file) throws IOException {
        Files.writeString(file, pid + " " + startTicks + "\n");
    }

    /** Reads what {@link #writeTo} wrote; empty when the file is missing or garbled. */
    public static Optional<ProcessIdentity> readFrom(Path file) {
        try {
            String[] parts = Files.readString(file).trim().split("\\s+");
            return Optional.of(new ProcessIdentity(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
