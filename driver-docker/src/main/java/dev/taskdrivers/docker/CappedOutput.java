package dev.taskdrivers.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Collects a stream's bytes up to a limit and remembers whether more came. Thread-safe. */
final class CappedOutput {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean truncated;

    CappedOutput(int limit) {
        this.limit = limit;
    }

    synchronized void write(byte[] data) {
        int room = limit - bytes.size();
        if (data.length > room) {
            truncated = true;
        }
        bytes.write(data, 0, Math.max(0, Math.min(room, data.length)));
    }

    synchronized boolean truncated() {
        return truncated;
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
