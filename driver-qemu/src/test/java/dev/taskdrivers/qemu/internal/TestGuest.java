package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The tiny guests built by scripts/services/qemu-guest.sh, and task configs that boot them. */
final class TestGuest {
    static final Path DIR = Path.of(System.getenv().getOrDefault("SDK_RUN_DIR", "/var/lib/taskdrivers-test"), "qemu");
    static final Path KERNEL = DIR.resolve("vmlinuz");
    static final Path POWEROFF_INITRD = DIR.resolve("initrd-poweroff.gz");
    static final Path IGNORING_INITRD = DIR.resolve("initrd-ignore.gz");
    /** Ignores the power button but runs a minimal guest agent that powers off on guest-shutdown. */
    static final Path AGENT_INITRD = DIR.resolve("initrd-agent.gz");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private TestGuest() {}

    static boolean built() {
        return Files.isReadable(KERNEL)
                && Files.isReadable(POWEROFF_INITRD)
                && Files.isReadable(IGNORING_INITRD)
                && Files.isReadable(AGENT_INITRD);
    }

    /**
     * Whether the guests were built by a qemu-guest.sh whose guests write numbered lines when booted with
     * {@code taskdrivers.lines=N} (guests built by an older one ignore it).
     */
    static boolean writesConsoleLines() {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(POWEROFF_INITRD))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("taskdrivers\\.lines=");
        } catch (IOException e) {
            return false;
        }
    }

    static String requirement() {
        return "qemu-system-x86_64 and the test guests in " + DIR + " (run scripts/install-deps.sh and"
                + " scripts/start-services.sh)";
    }

    /**
     * A raw disk image whose text the guest serves over HTTP, padded to whole sectors, inside the allocation
     * {@link #task} gives its tasks (the driver boots no image from outside it).
     */
    static Path diskWithPage(Path root, String text) throws IOException {
        return diskWithPageIn(root.resolve("alloc"), text);
    }

    /** The same disk image in {@code dir}. */
    static Path diskWithPageIn(Path dir, String text) throws IOException {
        byte[] page = text.getBytes(StandardCharsets.UTF_8);
        byte[] disk = Arrays.copyOf(page, 4096);
        Files.createDirectories(dir);
        Path image = dir.resolve("disk.img");
        Files.write(image, disk);
        return image;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A task booting the guest with {@code initrd} from {@code image}, port "http" forwarded to the guest's 80. */
    static TaskConfig task(
            Path root, String taskName, Path image, Path initrd, int hostPort, boolean graceful, Duration killTimeout) {
        TaskDirs dirs = TaskDirs.standard(root.resolve("alloc"), taskName);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("image_path", image.toString());
        config.put("drive_interface", "virtio");
        config.put("port_map", Map.of("http", 80));
        config.put("graceful_shutdown", graceful);
        config.put(
                "args",
                List.of(
                        "-kernel",
                        KERNEL.toString(),
                        "-initrd",
                        initrd.toString(),
                        "-append",
                        "console=ttyS0 quiet",
                        "-serial",
                        "file:" + root.resolve(taskName + "-console.log")));
        Resources resources = new Resources(100, 256, List.of(new Port("http", hostPort, "127.0.0.1")));
        return new TaskConfig(
                new TaskId("a1b2c3", "web", "vms", 0, taskName),
                config,
                Map.of(),
                resources,
                dirs,
                null,
                killTimeout,
                null);
    }

    /**
     * A task booting the power-button guest from {@code image} with its serial console on qemu's stdout, so the
     * console lands in the task's stdout log files; the guest writes {@code lines} numbered lines there once ready
     * (see {@link #consoleLine}). Not graceful: a stop ends qemu at once. No network.
     */
    static TaskConfig consoleTask(Path root, String taskName, Path image, int lines, LogConfig logs) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("image_path", image.toString());
        config.put("drive_interface", "virtio");
        config.put(
                "args",
                List.of(
                        "-kernel",
                        KERNEL.toString(),
                        "-initrd",
                        POWEROFF_INITRD.toString(),
                        "-append",
                        // loglevel=1: no kernel message cuts into the guest's lines
                        "console=ttyS0 loglevel=1 taskdrivers.lines=" + lines,
                        "-serial",
                        "stdio"));
        return new TaskConfig(
                new TaskId("a1b2c3", "web", "vms", 0, taskName),
                config,
                Map.of(),
                new Resources(100, 256, List.of()),
                TaskDirs.standard(root.resolve("alloc"), taskName),
                null,
                Duration.ofSeconds(5),
                null,
                logs);
    }

    /**
     * Line {@code n} (from 1) of what a guest booted by {@link #consoleTask} writes, as it reaches the console: the
     * guest's terminal ends it with CR LF.
     */
    static String consoleLine(int n) {
        return String.format(Locale.ROOT, "line %07d %s\r\n", n, "x".repeat(90));
    }

    /** The same task with {@code extra} added to its driver config. */
    static TaskConfig withConfig(TaskConfig task, Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(task.driverConfig());
        config.putAll(extra);
        return new TaskConfig(
                task.id(),
                config,
                task.env(),
                task.resources(),
                task.dirs(),
                task.user(),
                task.killTimeout(),
                task.killSignal());
    }

    /** The body at http://127.0.0.1:port/, or the failure as text (for Awaitility to retry). */
    static String get(int port) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
