package dev.taskdrivers.runner.internal.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** Copies a stream into a file in one pass, counting bytes against a limit and feeding a digest as it goes. */
final class Download {
    private static final int CHUNK = 1 << 16;

    private Download() {}

    /**
     * Writes {@code in} to {@code file} (replacing what it held) and returns the digest of what was written, or
     * {@code null} without one.
     *
     * @param cancelled asked between chunks: the task is being stopped
     * @throws ArtifactFetchException when more than {@code maxBytes} arrive, or when cancelled
     */
    static byte @Nullable [] copy(
            InputStream in,
            Path file,
            long maxBytes,
            @Nullable MessageDigest digest,
            String what,
            BooleanSupplier cancelled)
            throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(
                file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.CREATE)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    throw ArtifactFetchException.permanent(
                            what + " is larger than the limit of " + maxBytes + " bytes (http_max_size)");
                }
                if (cancelled.getAsBoolean()) {
                    throw ArtifactFetchException.recoverable("the task is being stopped");
                }
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                out.write(buffer, 0, n);
            }
        }
        return digest == null ? null : digest.digest();
    }
}
