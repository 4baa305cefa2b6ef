package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process identified by pid and start time, so that a pid recycled by the kernel for another process is never
 * mistaken for it.
 *
 * @param pid the process id
 * @param startTicks its start time from {@code /proc/<pid>/stat} (field 22), or {@link #UNKNOWN_START} when the
 *        process ended before it could be read
 */
public record ProcessIdentity(long pid, long startTicks) {
    /** The start time of a process that ended before it was read. Such an identity is never running. */
    public static final long UNKNOWN_START = -1;

    /** The identity of a running process, read now; its start is {@link #UNKNOWN_START} when it is already gone. */
    public static ProcessIdentity of(long pid) {
        return find(pid).orElse(new ProcessIdentity(pid, UNKNOWN_START));
    }

    /** The identity of the running process {@code pid}; empty when there is none (or only a zombie). */
    public static Optional<ProcessIdentity> find(long pid) {
        return ProcStat.read(pid).filter(ProcStat::running).map(ProcStat::identity);
    }

    /** Whether this very process is still running (not ended, not a zombie, pid not recycled). */
    public boolean isRunning() {
        return current().isPresent();
    }

    /** Its stat when this very process is still running. */
    public Optional<ProcStat> current() {
        if (startTicks == UNKNOWN_START || pid <= 0) {
            return Optional.empty();
        }
        return ProcStat.read(pid).filter(s -> s.startTicks() == startTicks && s.running());
    }

    /**
     * Sends SIGKILL ({@code force}) or SIGTERM to this very process, if it still runs.
     *
     * @return whether it was running and the signal was sent
     */
    public boolean kill(boolean force) {
        if (!isRunning()) {
            return false;
        }
        return ProcessHandle.of(pid)
                .map(h -> force ? h.destroyForcibly() : h.destroy())
                .orElse(false);
    }

    /** Writes {@code pid startTicks} to {@code file}, for cleanup when no other record of the process is at hand. */
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

    @Override
    public String toString() {
        return "pid " + pid + (startTicks == UNKNOWN_START ? "" : " (started at tick " + startTicks + ")");
    }
}
