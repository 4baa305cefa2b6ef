package dev.taskdrivers.runner.internal.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A task's log stream from a {@link LogCursor}. Without follow it ends where the log ends when it gets there;
 * following, it waits for more (checking every {@link #POLL}) until it is closed.
 */
public final class LogInputStream extends InputStream {
    /** How often a follower looks for new output: well under the 100 ms a reader may wait. */
    static final Duration POLL = Duration.ofMillis(10);
    /** How long a reader that does not follow waits for a rotation under way before it ends. */
    private static final int ROTATION_WAITS = 200;

    private final LogCursor cursor;
    private final boolean follow;
    private volatile boolean closed;

    public LogInputStream(LogCursor cursor, boolean follow) {
        this.cursor = cursor;
        this.follow = follow;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        for (int waits = 0; !closed; waits++) {
            int n;
            synchronized (cursor) {
                n = cursor.read(buffer);
            }
            if (n > 0) {
                return n;
            }
            if (!follow && (waits >= ROTATION_WAITS || !cursor.rotationUnderWay())) {
                return -1;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while following " + cursor);
            }
        }
        return -1;
    }

    /** Ends a follow: a read waiting returns -1. */
    @Override
    public void close() {
        closed = true;
    }
}
