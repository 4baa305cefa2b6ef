package dev.taskdrivers.exec.process;

import java.util.Optional;

/**
 * A process identified by pid and start time, so that a pid recycled by the kernel for another process is never
 * mistaken for it.
 *
 * @param pid the process id
 * @param startTicks its start time from {@code /proc/<pid>/stat} (field 22), or {@link #UNKNOWN_START} when the
 *        process ended before it could be read
 */
public record ProcessIdentity(int pid, long startTicks) {
    /** The start time of a process that ended before it was read. Such an identity is never running. */
    public static final long UNKNOWN_START = -1;

    /** The identity of a running process, read now; {@link #UNKNOWN_START} when it is already gone. */
    public static ProcessIdentity of(int pid) {
        return ProcStat.read(pid).filter(ProcStat::running).map(ProcStat::identity)
                .orElse(new ProcessIdentity(pid, UNKNOWN_START));
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

    @Override
    public String toString() {
        return "pid " + pid + (startTicks == UNKNOWN_START ? "" : " (started at tick " + startTicks + ")");
    }
}
