package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts the Docker engine while a task runs, the way scripts/services/docker.sh starts it. The engine stops the
 * container on shutdown; the handle must notice after the engine is back, and the driver must keep working.
 */
@Tag("real")
@Order(4)
class DockerEngineRestartTest {
    private static final Path START_SCRIPT = Path.of("../scripts/services/docker.sh");

    @TempDir
    Path root;

    @AfterEach
    void engineIsHealthyAgain() throws Exception {
        if (DockerTestEnv.engineAvailable()) {
            startEngine(); // whatever happened above, leave a running engine behind
        }
    }

    @Test
    void handleReportsTheExitAndTheDriverRecoversWhenTheEngineComesBack() throws Exception {
        DockerTestEnv.requireEngine();
        RealEnvironmentGuard.requireRoot();
        try (DockerDriver driver = DockerTestEnv.driver(Map.of())) {
            var task = DockerTestEnv.task(
                    root,
                    "through-restart",
                    Map.of(
                            "image",
                            LOCAL_IMAGE,
                            "command",
                            "/bin/sh",
                            "args",
                            List.of("-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done")),
                    Resources.defaults(),
                    Duration.ofSeconds(1));
            var started = DockerTestEnv.run(driver, task);
            try {
                stopEngine();
                assertThat(driver.fingerprint().isHealthy()).isFalse();
                startEngine();

                ExitResult exit = started.handle().exitFuture().get(60, TimeUnit.SECONDS);
                assertThat(exit.exitCode()).isZero(); // the engine stopped it with SIGTERM, which the task honours
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> driver.fingerprint().isHealthy());

                // the same driver instance starts new tasks afterwards
                var after = DockerTestEnv.run(
                        driver,
                        DockerTestEnv.task(
                                root,
                                "after-restart",
                                Map.of("image", LOCAL_IMAGE, "command", "/bin/sleep", "args", List.of("600"))));
                assertThat(after.handle().exitFuture()).isNotDone();
                after.stopAndCleanup(driver);
            } finally {
                started.stopAndCleanup(driver);
            }
        }
    }

    private static void stopEngine() throws Exception {
        Path pidFile = Path.of("/var/run/docker.pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        engine.destroy(); // SIGTERM: the engine stops its containers and exits
        engine.onExit().get(60, TimeUnit.SECONDS);
    }

    private static void startEngine() throws Exception {
        Process p = new ProcessBuilder("bash", START_SCRIPT.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("docker.sh finished").isTrue();
        assertThat(p.exitValue()).as("docker.sh exit code").isZero();
    }

    /** Restarting the engine needs root. */
    static final class RealEnvironmentGuard {
        private RealEnvironmentGuard() {}

        static void requireRoot() {
            dev.taskdrivers.tck.RealEnvironment.require(
                    "root".equals(System.getProperty("user.name")), "root, to restart the Docker engine");
        }
    }
}
