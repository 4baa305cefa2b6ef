package dev.taskdrivers.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy on a unix socket in front of the Docker engine. It forwards everything, but a connection that sent a
 * container create is cut when the engine's answer arrives: the engine made the container, the client only sees its
 * connection break. After a cut it can also refuse every further connection, as if the engine had gone down.
 */
final class CreateCuttingProxy implements AutoCloseable {
    private static final byte[] CREATE = "/containers/create".getBytes(StandardCharsets.US_ASCII);

    private final Path socket;
    private final Path engine;
    private final ServerSocketChannel server;
    private final boolean downAfterCut;
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean cutting = true;
    private volatile boolean closed;

    CreateCuttingProxy(Path socket, Path engine, boolean downAfterCut) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.downAfterCut = downAfterCut;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread accept = new Thread(this::acceptLoop, "create-cutting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String endpoint() {
        return "unix://" + socket;
    }

    /** How many create answers were cut off. */
    int cuts() {
        return cuts.get();
    }

    /** Forwards everything again, without cutting creates: the engine is back. */
    void heal() {
        down = false;
        cutting = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                if (down) {
                    client.close();
                    continue;
                }
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                channels.add(client);
                channels.add(upstream);
                Connection c = new Connection(client, upstream);
                start(c::requests);
                start(c::responses);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "create-cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** One client connection and its engine connection. */
    private final class Connection {
        private final SocketChannel client;
        private final SocketChannel upstream;
        private volatile boolean createSent;

        Connection(SocketChannel client, SocketChannel upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void requests() {
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            try {
                while (client.read(buffer) > 0) {
                    buffer.flip();
                    if (cutting && contains(buffer, CREATE)) {
                        createSent = true;
                    }
                    while (buffer.hasRemaining()) {
                        upstream.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // either side closed: the pump ends
            } finally {
                closeBoth();
            }
        }

        void responses() {
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            try {
                while (upstream.read(buffer) > 0) {
                    if (createSent) {
                        // the engine answered the create: it made the container, the client never learns its id
                        cuts.incrementAndGet();
                        if (downAfterCut) {
                            down = true; // and every open connection breaks too
                            channels.forEach(CreateCuttingProxy::closeQuietly);
                        }
                        return;
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // either side closed: the pump ends
            } finally {
                closeBoth();
            }
        }

        private void closeBoth() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static boolean contains(ByteBuffer buffer, byte[] needle) {
        outer:
        for (int i = buffer.position(); i <= buffer.limit() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
        for (SocketChannel c : channels) {
            closeQuietly(c);
        }
        Files.deleteIfExists(socket);
    }
}
