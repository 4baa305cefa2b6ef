package dev.taskdrivers.bench;

import com.sun.net.httpserver.HttpServer;
import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetcher;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A 100 MB artifact with a sha256 checksum fetched by the runner's artifact fetcher (one pass: download, digest,
 * rename into place) against {@code curl -o} then {@code sha256sum} of the same file from the same local HTTP
 * server, alternating, in one run.
 */
public final class ArtifactFetchBenchmark implements Benchmark {
    private static final int SIZE = 100 * 1024 * 1024;
    private static final int WARMUP = 2;
    private static final int ROUNDS = 7;

    @Override
    public String name() {
        return "artifact-fetch";
    }

    @Override
    public List<Figure> run() throws Exception {
        byte[] body = new byte[SIZE];
        new Random(42).nextBytes(body);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        Path root = Files.createTempDirectory("artifact-fetch-bench");
        HttpServer server = server(body);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/payload.bin";
            ArtifactFetcher fetcher = new ArtifactFetcher(ArtifactOptions.DEFAULT, timer);
            ArtifactSpec artifact = ArtifactSpec.builder(url)
                    .mode(ArtifactSpec.Mode.FILE)
                    .destination("local/payload.bin")
                    .checksum("sha256:" + sha256)
                    .build();
            long[] sdk = new long[ROUNDS];
            long[] curl = new long[ROUNDS];
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long s = fetch(fetcher, artifact, Files.createDirectories(root.resolve("sdk" + i)));
                long c = curlAndSum(url, root.resolve("curl" + i), sha256);
                if (i >= 0) {
                    sdk[i] = s;
                    curl[i] = c;
                }
            }
            double sdkMedian = RawExecBenchTasks.median(sdk);
            double curlMedian = RawExecBenchTasks.median(curl);
            double ratio = sdkMedian / curlMedian;
            String detail = String.format(
                    Locale.ROOT,
                    "medians over %d rounds of %d MB: fetcher %.0f ms, curl + sha256sum %.0f ms",
                    ROUNDS,
                    SIZE / (1024 * 1024),
                    sdkMedian / 1e6,
                    curlMedian / 1e6);
            return List.of(new Figure(
                    name(),
                    "100 MB artifact + sha256: fetcher / curl then sha256sum (median)",
                    ratio,
                    "x",
                    "<= 1.2x",
                    ratio <= 1.2,
                    detail));
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
            timer.shutdownNow();
            RawExecBenchTasks.deleteTree(root);
        }
    }

    private static long fetch(ArtifactFetcher fetcher, ArtifactSpec artifact, Path taskDir) throws IOException {
        long begin = System.nanoTime();
        fetcher.fetch(artifact, taskDir, () -> false);
        long took = System.nanoTime() - begin;
        if (Files.size(taskDir.resolve("local/payload.bin")) != SIZE) {
            throw new IOException("the fetcher wrote a file of the wrong size");
        }
        RawExecBenchTasks.deleteTree(taskDir);
        return took;
    }

    private static long curlAndSum(String url, Path file, String sha256) throws Exception {
        long begin = System.nanoTime();
        Commands.lines("curl", "-sSf", "-o", file.toString(), url);
        List<String> sum = Commands.lines("sha256sum", file.toString());
        long took = System.nanoTime() - begin;
        if (sum.isEmpty() || !sum.get(0).startsWith(sha256)) {
            throw new IOException("sha256sum disagrees: " + sum);
        }
        Files.delete(file);
        return took;
    }

    private static HttpServer server(byte[] body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int off = 0; off < body.length; off += 1 << 20) {
                        out.write(body, off, Math.min(1 << 20, body.length - off));
                    }
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server;
    }
}
