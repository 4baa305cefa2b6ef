package dev.taskdrivers.exec.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Which signals a process blocks, from the {@code SigBlk} line of {@code /proc/<pid>/status}. */
public final class SignalMask {
    private static final String BLOCKED = "SigBlk:";

    private SignalMask() {
    }

    /** The blocked signals as a bit set (bit {@code n - 1} for signal {@code n}); empty when the process is gone. */
    public static OptionalLong blocked(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(BLOCKED)) {
                    return OptionalLong.of(Long.parseUnsignedLong(line.substring(BLOCKED.length()).strip(), 16));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether {@code pid} blocks {@code signal} now. */
    public static boolean blocks(int pid, int signal) {
        OptionalLong mask = blocked(pid);
        return mask.isPresent() && (mask.getAsLong() & (1L << (signal - 1))) != 0;
    }
}
