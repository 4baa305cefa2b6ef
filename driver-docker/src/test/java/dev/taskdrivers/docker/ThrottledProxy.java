package dev.taskdrivers.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the local registry that limits download speed, so pulls take long enough to watch their
 * progress, stall them, or cut them off as if the registry had stopped.
 */
final class ThrottledProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long bytesPerSecond;
    private volatile boolean stalled;
    private volatile boolean closed;

    ThrottledProxy(int targetPort, long bytesPerSecond) throws IOException {
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding data but keeps connections open: a registry that hangs. */
    void stall() {
        stalled = true;
    }

    /** Closes every connection and refuses new ones: a registry that stopped. */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttle) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            while (stalled && !closed) {
                                Thread.sleep(50);
                            }
                            out.write(buffer, 0, n);
                            if (throttle) {
                                Thread.sleep(Math.max(0, n * 1000L / bytesPerSecond));
                            }
                        }
                    } catch (IOException | InterruptedException e) {
                        // connection closed by either side or by close(): the pump ends
                    } finally {
                        try {
                            to.close();
                        } catch (IOException e) {
                            // already closed
                        }
                    }
                },
                "proxy-pump");
        t.setDaemon(true);
        t.start();
    }
}
