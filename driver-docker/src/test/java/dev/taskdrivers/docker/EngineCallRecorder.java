package dev.taskdrivers.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy on a unix socket in front of the Docker engine that forwards everything and writes down the request line
 * of every call it forwards ({@code GET /containers/ID/json}), without its query, and the status the engine answered
 * it with, so a test can count the engine calls a driver makes and see which of them failed.
 */
final class EngineCallRecorder implements AutoCloseable {
    private static final Pattern REQUEST_LINE =
            Pattern.compile("(GET|HEAD|POST|PUT|DELETE) (/[^ ?]*)(\\?[^ ]*)? HTTP/1\\.[01]$");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})( [^\\r\\n]*)?$");
    private static final int NOT_ANSWERED = 0;

    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The status of the call at the same index in {@link #calls}; {@link #NOT_ANSWERED} until its answer came. */
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();

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

    /** The calls forwarded so far (as {@link #calls}) that the engine answered with {@code status}. */
    synchronized List<String> callsAnswered(int status) {
        List<String> answered = new java.util.ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (statuses.get(i) == status) {
                answered.add(calls.get(i));
            }
        }
        return answered;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                channels.add(client);
                channels.add(upstream);
                // one connection answers its calls in the order they were sent
                Deque<Integer> unanswered = new ConcurrentLinkedDeque<>();
                start(() -> pump(client, upstream, line -> recordCall(line, unanswered)));
                start(() -> pump(upstream, client, line -> recordAnswer(line, unanswered)));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, Consumer<String> lines) {
        ByteBuffer buffer = ByteBuffer.allocate(16384);
        StringBuilder line = new StringBuilder();
        try {
            while (from.read(buffer) > 0) {
                buffer.flip();
                record(buffer, line, lines); // before forwarding: a call is written down before its answer can come
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

    /** Hands the lines of the bytes sent to {@code lines}, without their line ends. */
    private static void record(ByteBuffer buffer, StringBuilder line, Consumer<String> lines) {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            char c = (char) (buffer.get(i) & 0xff);
            if (c == '\n') {
                int end =
                        line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                lines.accept(line.substring(0, end));
                line.setLength(0);
            } else if (line.length() < 4096) {
                line.append(c);
            }
        }
    }

    /** Request lines are recorded; headers and JSON bodies never match. */
    private synchronized void recordCall(String line, Deque<Integer> unanswered) {
        Matcher m = REQUEST_LINE.matcher(line);
        // a request line ends a line, but follows the previous request's body when that had no newline
        if (m.find()) {
            calls.add(m.group(1) + " " + m.group(2));
            statuses.add(NOT_ANSWERED);
            unanswered.add(calls.size() - 1);
        }
    }

    /** A status line answers the oldest unanswered call of its connection. */
    private synchronized void recordAnswer(String line, Deque<Integer> unanswered) {
        Matcher m = STATUS_LINE.matcher(line);
        if (m.find()) {
            Integer call = unanswered.poll();
            if (call != null) {
                statuses.set(call, Integer.parseInt(m.group(1)));
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
