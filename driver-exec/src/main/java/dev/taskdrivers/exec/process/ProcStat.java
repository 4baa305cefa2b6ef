package dev.taskdrivers.exec.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} this package uses.
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
public record ProcStat(int pid, char state, int ppid, int pgrp, int session, long userTicks, long systemTicks,
        long startTicks, long rssPages) {

    private static final Path PROC = Path.of("/proc");

    /** Reads a process's stat; empty when there is no such process. */
    public static Optional<ProcStat> read(int pid) {
        try {
            return Optional.of(parse(pid, Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // the process vanished while being read (ESRCH), or a field could not be parsed
            return Optional.empty();
        }
    }

    /** Parses the text of a stat file. The command name may hold spaces and parentheses, so fields are counted
     * from the last ')'. */
    static ProcStat parse(int pid, String text) {
        String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 of proc(5)
        return new ProcStat(pid, f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]),
                Long.parseLong(f[21]));
    }

    /** Whether the process has not ended (zombies have). */
    public boolean running() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** Who this process is, pid and start time. */
    public ProcessIdentity identity() {
        return new ProcessIdentity(pid, startTicks);
    }
}
