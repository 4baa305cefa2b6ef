package dev.taskdrivers.exec.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Reads the one-line replies of a supervisor or fork server, without a reader's buffering beyond the line. */
final class ReplyLines {
    /** Longer lines are cut to this many bytes; the rest is read and dropped. */
    static final int MAX_LINE = 4096;

    private ReplyLines() {}

    /** One line without its newline; null at the end of the stream. A last line without a newline still counts. */
    static @Nullable String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(32);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
