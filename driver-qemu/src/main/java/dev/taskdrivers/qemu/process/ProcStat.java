package dev.taskdrivers.qemu.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} this module needs.
 *
 * @param state the one-letter process state
 * @param cpuTicks user plus system time in clock ticks
 * @param startTicks start time in clock ticks since boot
 */
record ProcStat(char state, long cpuTicks, long startTicks) {
    /** Linux reports times in USER_HZ, which is 100 on every architecture it exposes to user space. */
    static final long NANOS_PER_TICK = 10_000_000L;

    boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    static Optional<ProcStat> read(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // The command name may contain spaces and parentheses: the fields start after the last ')'.
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = text.substring(close + 2).trim().split(" ");
        try {
            // f[0] is field 3 (state); utime and stime are fields 14 and 15, starttime field 22.
            return Optional.of(new ProcStat(f[0].charAt(0), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                    Long.parseLong(f[19])));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
