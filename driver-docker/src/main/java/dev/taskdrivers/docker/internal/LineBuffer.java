package dev.taskdrivers.docker.internal;

import java.util.Arrays;

/** Bytes received but not yet a whole line. Not thread-safe. */
final class LineBuffer {
    private byte[] bytes = new byte[8192];
    private int size;

    void append(byte[] more) {
        if (size + more.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more.length));
        }
        System.arraycopy(more, 0, bytes, size, more.length);
        size += more.length;
    }

    int indexOf(byte b, int from) {
        for (int i = from; i < size; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The buffer itself; valid up to {@link #size}. */
    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    void drop(int count) {
        if (count == 0) {
            return;
        }
        System.arraycopy(bytes, count, bytes, 0, size - count);
        size -= count;
    }
}
