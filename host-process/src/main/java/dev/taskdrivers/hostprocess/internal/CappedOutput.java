package dev.taskdrivers.hostprocess.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * At most a limit of a command's output, and whether there was more.
 *
 * @param text the output kept, as UTF-8
 * @param truncated whether more was written than kept
 */
public record CappedOutput(String text, boolean truncated) {

    /** The first {@code limit} bytes of {@code file}. */
    public static CappedOutput read(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(limit);
            boolean more = in.read() >= 0;
            return new CappedOutput(new String(bytes, StandardCharsets.UTF_8), more);
        }
    }
}
