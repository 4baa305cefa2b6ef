package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} a driver needs: who the process is, where it belongs, what it used.
 *
 * @param pid the process id
 * @param state the one-letter state; {@code Z} (zombie) and {@code X} (dead) mean it has ended
 * @param ppid the parent's pid
 * @param pgrp the process group
 * @param session the session
 * @param userTicks user cpu time in clock ticks
 * @param systemTicks system cpu time in clock ticks
 * @param startTicks when it started, in clock ticks after boot; with the pid it identifies a process uniquely
 * @param rssPages resident set size in pages
 */
public record ProcStat(
        long pid,
        char state,
        long ppid,
        long pgrp,
        long session,
        long userTicks,
        long systemTicks,
        long startTicks,
        long rssPages) {
    /** Clock ticks per second of {@code /proc} times: USER_HZ is 100 on every Linux architecture the JDK runs on. */
    public static final long TICKS_PER_SECOND = 100;

    private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;
    private static final Path PROC = Path.of("/proc");

    /** Reads a process's stat; empty when there is no such process (or it vanished while being read). */
    public static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(
                    pid,
                    Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            // no such process, it vanished while being read (ESRCH), or a field could not be parsed
            return Optional.empty();
        }
    }

    /**
     * Parses the text of a stat file. The command name may hold spaces and parentheses, so fields are counted from
     * the last ')'.
     *
     * @throws IllegalArgumentException when the text is not a stat file
     */
    public static ProcStat parse(long pid, String text) {
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 > text.length()) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat text: no command name in parentheses");
        }
        String[] f = text.substring(close + 2).trim().split(" ");
        try {
            // f[0] is field 3 of proc(5)
            return new ProcStat(
                    pid,
                    f[0].charAt(0),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[11]),
                    Long.parseLong(f[12]),
                    Long.parseLong(f[19]),
                    Long.parseLong(f[21]));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat text: " + e.getMessage(), e);
        }
    }

    /** Whether the process has not ended (zombies have). */
    public boolean running() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** Who this process is, pid and start time. */
    public ProcessIdentity identity() {
        return new ProcessIdentity(pid, startTicks);
    }

    /** User plus system cpu time, in nanoseconds. */
    public long cpuNanos() {
        return (userTicks + systemTicks) * NANOS_PER_TICK;
    }
}
