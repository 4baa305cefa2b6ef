package dev.taskdrivers.bench;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.qemu.QemuDriverFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Boot to an open guest port: a VM started through the qemu driver against the same qemu command line started by
 * hand, alternating in one run. Both boot the test guest of scripts/services/qemu-guest.sh and are timed until its
 * HTTP server answers through the forwarded port.
 */
public final class QemuBootBenchmark implements Benchmark {
    private static final Path GUEST =
            Path.of(System.getenv().getOrDefault("SDK_RUN_DIR", "/var/lib/taskdrivers-test"), "qemu");
    private static final int ROUNDS = 5;
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(90);

    @Override
    public String name() {
        return "qemu-boot";
    }

    @Override
    public List<Figure> run() throws Exception {
        Path root = Files.createTempDirectory("qemu-boot-bench");
        try (Driver driver = new QemuDriverFactory()
                .create(new DriverContext(Map.of("image_paths", List.of(root.toString())), root.resolve("s")))) {
            Path image = root.resolve("disk.img");
            Files.write(image, Arrays.copyOf("bench\n".getBytes(StandardCharsets.UTF_8), 4096));
            long[] viaDriver = new long[ROUNDS];
            long[] byHand = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                byHand[i] = byHand(root, image);
                viaDriver[i] = viaDriver(driver, root, image, i);
            }
            double driverMedian = median(viaDriver);
            double handMedian = median(byHand);
            double ratio = driverMedian / handMedian;
            String detail = String.format(
                    Locale.ROOT,
                    "medians over %d rounds: driver %.0f ms, by hand %.0f ms",
                    ROUNDS,
                    driverMedian / 1e6,
                    handMedian / 1e6);
            return List.of(new Figure(
                    name(),
                    "qemu boot-to-port-open: driver / same command line by hand (median)",
                    ratio,
                    "x",
                    "<= 1.1x",
                    ratio <= 1.1,
                    detail));
        } finally {
            deleteTree(root);
        }
    }

    private static long viaDriver(Driver driver, Path root, Path image, int round) throws Exception {
        int port = freePort();
        TaskId id = new TaskId("bench" + round, "bench", "vms", 0, "vm");
        TaskConfig task = new TaskConfig(
                id,
                Map.of(
                        "image_path",
                        image.toString(),
                        "drive_interface",
                        "virtio",
                        "port_map",
                        Map.of("http", 80),
                        "args",
                        guestArgs()),
                Map.of(),
                new Resources(100, 256, List.of(new Port("http", port, "127.0.0.1"))),
                TaskDirs.standard(root.resolve("alloc" + round), "vm"),
                null,
                Duration.ofSeconds(5),
                TaskConfig.DEFAULT_KILL_SIGNAL);
        long begin = System.nanoTime();
        driver.prestart(task, EventEmitter.NONE);
        StartResult result = driver.start(task, EventEmitter.NONE);
        try {
            awaitHttp(port);
            return System.nanoTime() - begin;
        } finally {
            result.handle().stop(Duration.ofSeconds(5), "SIGTERM").get(30, TimeUnit.SECONDS);
            driver.cleanup(task, result.created());
        }
    }

    /** The command line the driver builds for the same task, run directly. */
    private static long byHand(Path root, Path image) throws Exception {
        int port = freePort();
        Path dir = Files.createDirectories(root.resolve("hand"));
        List<String> argv = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-name",
                "hand",
                "-machine",
                "type=pc,accel=tcg",
                "-m",
                "256M",
                "-drive",
                "file=" + image + ",if=virtio",
                "-display",
                "none",
                "-monitor",
                "unix:" + dir.resolve("mon.sock") + ",server,nowait",
                "-pidfile",
                dir.resolve("pid").toString(),
                "-netdev",
                "user,id=user.0,hostfwd=tcp:127.0.0.1:" + port + "-:80,hostfwd=udp:127.0.0.1:" + port + "-:80",
                "-device",
                "virtio-net,netdev=user.0"));
        argv.addAll(guestArgs());
        long begin = System.nanoTime();
        Process qemu = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitHttp(port);
            return System.nanoTime() - begin;
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor();
            }
        }
    }

    private static List<String> guestArgs() {
        return List.of(
                "-kernel",
                GUEST.resolve("vmlinuz").toString(),
                "-initrd",
                GUEST.resolve("initrd-ignore.gz").toString(),
                "-append",
                "console=ttyS0 quiet");
    }

    /** Waits until the guest answers an HTTP request: user-mode networking accepts connections before that. */
    private static void awaitHttp(int port) throws Exception {
        long deadline = System.nanoTime() + BOOT_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] head = in.readNBytes(12);
                if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("guest did not answer on port " + port + " within " + BOOT_LIMIT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
