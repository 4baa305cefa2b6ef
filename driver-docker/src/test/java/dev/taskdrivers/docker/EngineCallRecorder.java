package dev.taskdrivers.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy on a unix socket in front of the Docker engine that forwards everything and writes down the request line
 * of every call it forwards ({@code GET /containers/ID/json}), without its query, so a test can count the engine
 * calls a driver makes.
 */
final class EngineCallRecorder implements AutoCloseable {
    private static final Pattern REQUEST_LINE =
            Pattern.compile("(GET|HEAD|POST|PUT|DELETE) (/[^ ?]*)(\\?[^ ]*)? HTTP/1\\.[01]$");

    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    EngineCallRecorder(Path socket, Path engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        start(this::acceptLoop);
    }

    String endpoint() {
        return "unix://" + socket;
    }

    /** The calls forwarded so far, in the order their request lines arrived. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                channels.add(client);
                channels.add(upstream);
                start(() -> pump(client, upstream, true));
                start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean requests) {
        ByteBuffer buffer = ByteBuffer.allocate(16384);
        StringBuilder line = new StringBuilder();
        try {
            while (from.read(buffer) > 0) {
                buffer.flip();
                if (requests) {
                    record(buffer, line);
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // either side closed: the pump ends
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Reads the lines of the bytes sent; request lines are recorded, headers and JSON bodies never match. */
    private void record(ByteBuffer buffer, StringBuilder line) {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            char c = (char) (buffer.get(i) & 0xff);
            if (c == '\n') {
                int end =
                        line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                Matcher m = REQUEST_LINE.matcher(line.substring(0, end));
                // a request line ends a line, but follows the previous request's body when that had no newline
                if (m.find()) {
                    calls.add(m.group(1) + " " + m.group(2));
                }
                line.setLength(0);
            } else if (line.length() < 4096) {
                line.append(c);
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "engine-call-recorder");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        channels.forEach(EngineCallRecorder::closeQuietly);
        Files.deleteIfExists(socket);
    }
}
