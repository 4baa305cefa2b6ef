package dev.taskdrivers.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A pass-through proxy on a unix socket in front of the engine's socket that times every engine call: from the
 * request line leaving the client to the first byte of the answer. Clients pointed at {@link #endpoint()} show
 * which calls a start makes and where its time goes. Works because docker clients never pipeline requests.
 */
final class DockerCallTimer implements Closeable {
    /** One engine call: what it was ({@code POST /containers/{id}/start}), when it began and how long it took. */
    record Call(String what, long startNanos, long nanos) {}

    private static final Pattern REQUEST_LINE =
            Pattern.compile("(?m)^(GET|POST|PUT|DELETE|HEAD) (\\S+) HTTP/1\\.[01]\r?$");
    private static final Pattern API_VERSION = Pattern.compile("^/v\\d+\\.\\d+");
    private static final Pattern IMAGE_JSON = Pattern.compile("^/images/.+/json$");
    private static final Pattern CONTAINER_CALL = Pattern.compile("^/containers/(?!create$|json$)[^/]+");

    private final Path engineSocket;
    private final Path listenSocket;
    private final ServerSocketChannel server;
    private final List<Call> calls = new ArrayList<>();
    private final List<Closeable> open = new ArrayList<>();
    private volatile boolean closed;

    DockerCallTimer(Path engineSocket, Path listenSocket) throws IOException {
        this.engineSocket = engineSocket;
        this.listenSocket = listenSocket;
        Files.deleteIfExists(listenSocket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(listenSocket));
        daemon("docker-call-timer-accept", this::acceptLoop);
    }

    /** The endpoint a docker client should use to be timed. */
    String endpoint() {
        return "unix://" + listenSocket;
    }

    /** The calls that began in {@code [fromNanos, toNanos]}, in order. */
    synchronized List<Call> callsBetween(long fromNanos, long toNanos) {
        return calls.stream()
                .filter(c -> c.startNanos() >= fromNanos && c.startNanos() <= toNanos)
                .toList();
    }

    /** Forgets the calls recorded so far. */
    synchronized void clear() {
        calls.clear();
    }

    private synchronized void record(Call call) {
        calls.add(call);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(engineSocket));
                synchronized (open) {
                    open.add(client);
                    open.add(engine);
                }
                AtomicReference<String> pending = new AtomicReference<>();
                long[] since = new long[1];
                daemon(
                        "docker-call-timer-up",
                        () -> pump(client, engine, (buf, n) -> {
                            String what = pending.get() == null ? requestOf(buf, n) : null;
                            if (what != null) {
                                since[0] = System.nanoTime();
                                pending.set(what);
                            }
                        }));
                daemon(
                        "docker-call-timer-down",
                        () -> pump(engine, client, (buf, n) -> {
                            String what = pending.getAndSet(null);
                            if (what != null) {
                                long now = System.nanoTime();
                                record(new Call(what, since[0], now - since[0]));
                            }
                        }));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("docker call timer: " + e);
                }
                return;
            }
        }
    }

    private interface Observer {
        void seen(ByteBuffer buf, int n);
    }

    private void pump(SocketChannel from, SocketChannel to, Observer observer) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                buf.clear();
                int n = from.read(buf);
                if (n < 0) {
                    break;
                }
                observer.seen(buf, n);
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
            }
        } catch (IOException e) {
            // the other side went away: close both
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    /** The normalised call when {@code buf} begins with a request line, else null. */
    private static @Nullable String requestOf(ByteBuffer buf, int n) {
        // the request line may follow the last chunk of the previous request's body in the same read
        String head = new String(buf.array(), 0, Math.min(n, 1024), StandardCharsets.US_ASCII);
        var m = REQUEST_LINE.matcher(head);
        if (!m.find()) {
            return null;
        }
        String path = m.group(2);
        int q = path.indexOf('?');
        path = q >= 0 ? path.substring(0, q) : path;
        path = API_VERSION.matcher(path).replaceFirst("");
        path = IMAGE_JSON.matcher(path).replaceFirst("/images/{name}/json");
        path = CONTAINER_CALL.matcher(path).replaceFirst("/containers/{id}");
        return m.group(1) + " " + path;
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Closeable c) {
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
        synchronized (open) {
            open.forEach(DockerCallTimer::closeQuietly);
        }
        Files.deleteIfExists(listenSocket);
    }
}
