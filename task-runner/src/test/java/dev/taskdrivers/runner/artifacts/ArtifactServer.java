package dev.taskdrivers.runner.artifacts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server for artifact tests: serves bytes by path, counts hits, fails on demand. */
public final class ArtifactServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private final Map<String, Integer> stalls = new ConcurrentHashMap<>();
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();

    public ArtifactServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "artifact-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Serves {@code body} at {@code path} (e.g. {@code /app.tar.gz}). */
    public ArtifactServer serve(String path, byte[] body) {
        files.put(path, body);
        return this;
    }

    /** Answers {@code path} with a redirect to {@code location}. */
    public ArtifactServer redirect(String path, String location) {
        redirects.put(path, location);
        return this;
    }

    /** The next {@code times} requests for {@code path} get a 503. */
    public ArtifactServer failNext(String path, int times) {
        failuresLeft.put(path, new AtomicInteger(times));
        return this;
    }

    /** {@code path} announces {@code size} bytes, sends {@code sent} of them and then hangs until closed. */
    public ArtifactServer stall(String path, int size, int sent) {
        files.put(path, new byte[size]);
        stalls.put(path, sent);
        return this;
    }

    /** Requests for {@code path} wait for {@link #release} (or {@link #close}) before they are answered. */
    public ArtifactServer hold(String path) {
        holds.put(path, new java.util.concurrent.CountDownLatch(1));
        return this;
    }

    /** Answers the held requests for {@code path}, and the later ones at once. */
    public void release(String path) {
        java.util.concurrent.CountDownLatch hold = holds.remove(path);
        if (hold != null) {
            hold.countDown();
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** The value of {@code header} in the last request for {@code path}. */
    public String lastHeader(String path, String header) {
        return lastHeaders.get(path + " " + header.toLowerCase(java.util.Locale.ROOT));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> lastHeaders.put(path + " " + k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            java.util.concurrent.CountDownLatch hold = holds.get(path);
            if (hold != null) {
                try {
                    hold.await(); // counted down by release or close
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            AtomicInteger failures = failuresLeft.get(path);
            if (failures != null && failures.getAndDecrement() > 0) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String location = redirects.get(path);
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = files.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            Integer stallAfter = stalls.get(path);
            try (OutputStream out = exchange.getResponseBody()) {
                if (stallAfter != null) {
                    out.write(body, 0, stallAfter);
                    out.flush();
                    released.await();
                    return;
                }
                out.write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        holds.values().forEach(java.util.concurrent.CountDownLatch::countDown);
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
