package dev.taskdrivers.hostprocess.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size of a memory page, which {@code /proc} counts resident memory in. Read from the auxiliary vector the
 * kernel gave this process ({@code AT_PAGESZ}), so no program has to be run for it.
 */
public final class PageSize {
    /** The page size in bytes; 4096 when the auxiliary vector cannot be read. */
    public static final long BYTES = read(Path.of("/proc/self/auxv"));

    private static final long AT_NULL = 0;
    private static final long AT_PAGESZ = 6;
    private static final long FALLBACK = 4096;

    private PageSize() {}

    /** {@code AT_PAGESZ} from an auxiliary vector of 64-bit entries in this machine's byte order. */
    static long read(Path auxv) {
        try {
            ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(auxv)).order(ByteOrder.nativeOrder());
            while (entries.remaining() >= 16) {
                long type = entries.getLong();
                long value = entries.getLong();
                if (type == AT_PAGESZ && value > 0) {
                    return value;
                }
                if (type == AT_NULL) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the common size
        }
        return FALLBACK;
    }
}
