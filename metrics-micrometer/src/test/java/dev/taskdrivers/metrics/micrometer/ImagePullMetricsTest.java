package dev.taskdrivers.metrics.micrometer;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.tck.RealEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image pull counters of a real docker task pulling an image with a 4 MiB layer from the local registry. The registry is reached through a
 * port of this test's own, so the image's name is new to the engine (a real pull) and removing it touches nothing
 * else.
 */
@Tag("real")
class ImagePullMetricsTest {
    private static final Path CREDENTIALS = Path.of(
                    System.getenv().getOrDefault("SDK_RUN_DIR", "/var/lib/taskdrivers-test"))
            .resolve("registry/credentials");

    private static final Duration PULL_WAIT = Duration.ofMinutes(3);

    @TempDir
    Path root;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Forwarder registry;
    private String image;
    private TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        RealEnvironment.require(
                Files.isReadable(CREDENTIALS) && answers(5000) && Files.exists(Path.of("/var/run/docker.sock")),
                "a Docker engine and the local image registry on 127.0.0.1:5000 (run scripts/start-services.sh)");
        registry = new Forwarder(5000);
        // busybox plus a 4 MiB layer the engine does not hold: the pull downloads it (busybox's layer is local)
        image = "127.0.0.1:" + registry.port() + "/taskdrivers/big:1";
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
        if (registry != null) {
            registry.close();
            Process rm = new ProcessBuilder("docker", "image", "rm", "-f", image)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(rm.getInputStream().readAllBytes());
            assertThat(rm.waitFor()).as(output).isZero();
        }
    }

    @Test
    void aPullTheTaskWaitedForIsCountedWithItsBytes() throws Exception {
        Properties credentials = new Properties();
        try (InputStream in = Files.newInputStream(CREDENTIALS)) {
            credentials.load(in);
        }
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                .driverOptions(Map.of("docker", Map.of("image_gc", Map.of("enabled", false))))
                .listener(new TaskRunnerMetrics(meters))
                .build();
        TaskSpec task = TaskSpec.of(
                        "pulled",
                        "docker",
                        Map.of(
                                "image",
                                image,
                                "command",
                                "/bin/sh",
                                "args",
                                List.of("-c", "exit 0"),
                                "auth",
                                Map.of(
                                        "username", credentials.getProperty("username"),
                                        "password", credentials.getProperty("password"))))
                .withRestart(RestartPolicy.NEVER);
        AllocationHandle alloc = runner.submit(JobSpec.batch("pull", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        // the pull of 5 MB through the forwarder on a loaded machine, then a task that exits at once
        await().atMost(PULL_WAIT)
                .until(() -> alloc.status().tasks().get("pulled").state() == TaskState.DEAD);

        assertThat(alloc.status().tasks().get("pulled").failed())
                .as("%s", alloc.status().tasks().get("pulled").events())
                .isFalse();
        assertThat(meters.get(TaskRunnerMetrics.IMAGE_PULLS)
                        .tag("driver", "docker")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get(TaskRunnerMetrics.IMAGE_PULLED_BYTES)
                        .tag("driver", "docker")
                        .counter()
                        .count())
                .as("bytes of the 4 MiB layer")
                .isGreaterThan(4_000_000.0);
    }

    private static boolean answers(int port) {
        try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Forwards a port of its own to the registry. */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        Forwarder(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon(() -> pump(client, upstream));
                    daemon(() -> pump(upstream, client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // either side closed: this direction ends
            } finally {
                try {
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "registry-forwarder");
            t.setDaemon(true);
            t.start();
        }
    }
}
