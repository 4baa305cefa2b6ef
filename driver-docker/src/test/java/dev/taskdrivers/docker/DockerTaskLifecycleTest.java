package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("real")
@Order(1)
class DockerTaskLifecycleTest {
    private static DockerDriver driver;

    @TempDir
    Path root;

    @BeforeAll
    static void engine() {
        DockerTestEnv.requireEngine();
        driver = DockerTestEnv.driver(Map.of());
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static Map<String, Object> shell(String script) {
        return Map.of("image", LOCAL_IMAGE, "command", "/bin/sh", "args", List.of("-c", script));
    }

    @Test
    void servesOnTheMappedPortWithTaskDirsAndPortEnvInside() throws Exception {
        int hostPort = DockerTestEnv.freePort();
        TaskConfig task = DockerTestEnv.task(
                root,
                "web",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "command",
                        "/bin/httpd",
                        "args",
                        List.of("-f", "-p", "8080", "-h", "/local"),
                        "port_map",
                        Map.of("http", 8080)),
                DockerTestEnv.resourcesWithPort("http", hostPort, 64),
                Duration.ofSeconds(2));
        Files.writeString(task.dirs().localDir().resolve("index.html"), "hello from the task dir");
        var started = DockerTestEnv.run(driver, task);
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html"))
                    .build();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(http.send(get, HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .isEqualTo("hello from the task dir"));

            ExecResult env = started.handle().exec(ExecRequest.of(List.of("env"), Duration.ofSeconds(5)));
            assertThat(env.stdout())
                    .contains(
                            "NOMAD_PORT_http=8080",
                            "NOMAD_HOST_PORT_http=" + hostPort,
                            "NOMAD_TASK_DIR=/local",
                            "NOMAD_ALLOC_DIR=/alloc",
                            "NOMAD_SECRETS_DIR=/secrets",
                            "NOMAD_TASK_NAME=web");
            assertThat(started.prestart().created().get("image")).containsExactly(LOCAL_IMAGE);

            DriverNetwork network = started.start().network().orElseThrow();
            assertThat(network.ip()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
            assertThat(network.portMap()).containsEntry("http", 8080);
            assertThat(network.autoAdvertise()).isFalse();

            var inspect = driver.client()
                    .inspectContainerCmd(started.handle().containerId())
                    .exec();
            assertThat(inspect.getName()).isEqualTo("/web-" + task.id().allocId());
            assertThat(inspect.getConfig().getLabels())
                    .containsEntry("dev.taskdrivers.managed", "true")
                    .containsEntry("dev.taskdrivers.alloc_id", task.id().allocId())
                    .containsEntry("dev.taskdrivers.task_name", "web");
            assertThat(inspect.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
            assertThat(inspect.getHostConfig().getCpuShares()).isEqualTo(100);
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void execReturnsOutputAndExitCodeAndHonoursTimeoutAndLimit() throws Exception {
        var started = DockerTestEnv.run(driver, DockerTestEnv.task(root, "exec", shell("sleep 600")));
        try {
            TaskHandle h = started.handle();
            ExecResult r = h.exec(
                    ExecRequest.of(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(5)));
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("out\n");
            assertThat(r.stderr()).isEqualTo("err\n");
            assertThat(r.timedOut()).isFalse();

            long before = System.nanoTime();
            ExecResult slow = h.exec(ExecRequest.of(List.of("sleep", "30"), Duration.ofMillis(500)));
            assertThat(slow.timedOut()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
            // the timed-out command was killed, not left running in the container
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(h.exec(ExecRequest.of(
                                            List.of("sh", "-c", "ps | grep -c '[s]leep 30' || true"),
                                            Duration.ofSeconds(5)))
                                    .stdout()
                                    .strip())
                            .isEqualTo("0"));

            ExecResult big =
                    h.exec(new ExecRequest(List.of("sh", "-c", "yes | head -c 100000"), Duration.ofSeconds(5), 1000));
            assertThat(big.stdout()).hasSize(1000);
            assertThat(big.truncated()).isTrue();
            assertThat(big.exitCode()).isZero();
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void signalReachesTheTask() throws Exception {
        var started = DockerTestEnv.run(
                driver,
                DockerTestEnv.task(
                        root, "sig", shell("trap 'echo got > /local/usr1' USR1; while true; do sleep 0.1; done")));
        try {
            Path marker = started.task().dirs().localDir().resolve("usr1");
            // the trap exists once the shell runs; send until it is seen
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        started.handle().signal("SIGUSR1");
                        return Files.exists(marker);
                    });
            assertThat(Files.readString(marker).strip()).isEqualTo("got");
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void stopWaitsTheKillTimeoutThenKillsAndRemovesTheContainer() throws Exception {
        TaskConfig stubborn = DockerTestEnv.task(
                root,
                "stubborn",
                shell("trap '' TERM; echo ready > /local/ready; while true; do sleep 0.1; done"),
                Resources.defaults(),
                Duration.ofSeconds(1));
        var started = DockerTestEnv.run(driver, stubborn);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(stubborn.dirs().localDir().resolve("ready")));
            long t0 = System.nanoTime();
            ExitResult exit =
                    started.handle().stop(Duration.ofSeconds(1), "SIGTERM").get(20, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(8));
            assertThat(exit.exitCode()).isEqualTo(137);
            assertThat(exit.oomKilled())
                    .as("a kill sent by stop is no OOM kill")
                    .isFalse();
            assertThat(exit.successful()).isFalse();
            assertThatThrownBy(() -> driver.client()
                            .inspectContainerCmd(started.handle().containerId())
                            .exec())
                    .isInstanceOf(NotFoundException.class);
        } finally {
            started.stopAndCleanup(driver);
        }

        TaskConfig polite = DockerTestEnv.task(
                root,
                "polite",
                shell("trap 'exit 0' TERM; echo ready > /local/ready; while true; do sleep 0.1; done"),
                Resources.defaults(),
                Duration.ofSeconds(10));
        var second = DockerTestEnv.run(driver, polite);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(polite.dirs().localDir().resolve("ready")));
            long t0 = System.nanoTime();
            ExitResult exit =
                    second.handle().stop(Duration.ofSeconds(10), "SIGTERM").get(20, TimeUnit.SECONDS);
            assertThat(exit.successful()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        } finally {
            second.stopAndCleanup(driver);
        }
    }

    @Test
    void exitCodeAndOomAreReported() throws Exception {
        var exits = DockerTestEnv.run(driver, DockerTestEnv.task(root, "exits", shell("exit 7")));
        try {
            ExitResult exit = exits.handle().exitFuture().get(20, TimeUnit.SECONDS);
            assertThat(exit.exitCode()).isEqualTo(7);
            assertThat(exit.oomKilled()).isFalse();
        } finally {
            exits.stopAndCleanup(driver);
        }

        TaskConfig hungry = DockerTestEnv.task(
                root,
                "hungry",
                shell("exec dd if=/dev/zero of=/dev/null bs=96M count=1"),
                new Resources(100, 16, List.of()),
                Duration.ofSeconds(1));
        var oom = DockerTestEnv.run(driver, hungry);
        try {
            ExitResult exit = oom.handle().exitFuture().get(30, TimeUnit.SECONDS);
            assertThat(exit.oomKilled()).as("OOM kill reported in %s", exit).isTrue();
            assertThat(exit.successful()).isFalse();
        } finally {
            oom.stopAndCleanup(driver);
        }
    }

    @Test
    void statsReportMemoryAndCpu() throws Exception {
        var busy = DockerTestEnv.run(driver, DockerTestEnv.task(root, "busy", shell("while true; do :; done")));
        try {
            TaskStats first = busy.handle().stats();
            TaskStats second = busy.handle().stats();
            assertThat(first.memoryRssBytes()).isPositive();
            assertThat(second.cpuTotalNanos()).isGreaterThan(first.cpuTotalNanos());
            assertThat(second.cpuPercent()).isGreaterThan(10.0);
        } finally {
            busy.stopAndCleanup(driver);
        }
    }

    @Test
    void recoversARunningTaskInANewDriverInstance() throws Exception {
        var started = DockerTestEnv.run(driver, DockerTestEnv.task(root, "survivor", shell("sleep 600")));
        var state = started.handle().state();
        started.handle().close();
        try (DockerDriver restarted = DockerTestEnv.driver(Map.of())) {
            TaskHandle recovered = restarted.recover(started.task(), state, dev.taskdrivers.api.EventEmitter.NONE);
            assertThat(recovered
                            .exec(ExecRequest.of(List.of("echo", "still here"), Duration.ofSeconds(5)))
                            .stdout())
                    .isEqualTo("still here\n");
            ExitResult exit = recovered.stop(Duration.ofSeconds(1), "SIGKILL").get(20, TimeUnit.SECONDS);
            assertThat(exit.exitCode()).isEqualTo(137);
            restarted.cleanup(
                    started.task(),
                    started.prestart().created().merge(started.start().created()));
            assertThatThrownBy(() -> restarted.recover(started.task(), state, dev.taskdrivers.api.EventEmitter.NONE))
                    .isInstanceOfSatisfying(
                            DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        } finally {
            driver.cleanup(started.task(), started.start().created());
        }
    }

    @Test
    void findsTheRunningContainerOfAStartWhoseHandleWasNeverRecorded() throws Exception {
        var started = DockerTestEnv.run(driver, DockerTestEnv.task(root, "unrecorded", shell("sleep 600")));
        String containerId = started.handle().containerId();
        started.handle().close(); // its runner dies before recording the handle
        try (DockerDriver restarted = DockerTestEnv.driver(Map.of())) {
            assertThat(restarted.findUnrecorded(
                            DockerTestEnv.task(root, "never", shell("sleep 600")),
                            dev.taskdrivers.api.EventEmitter.NONE))
                    .isEmpty();

            TaskHandle found = restarted
                    .findUnrecorded(started.task(), dev.taskdrivers.api.EventEmitter.NONE)
                    .orElseThrow();

            assertThat(found.state().require("container_id")).isEqualTo(containerId);
            assertThat(found.exec(ExecRequest.of(List.of("echo", "found"), Duration.ofSeconds(5)))
                            .stdout())
                    .isEqualTo("found\n");
            ExitResult exit = found.stop(Duration.ofSeconds(1), "SIGKILL").get(20, TimeUnit.SECONDS);
            assertThat(exit.exitCode()).isEqualTo(137);
            assertThat(restarted.findUnrecorded(started.task(), dev.taskdrivers.api.EventEmitter.NONE))
                    .isEmpty();
            restarted.cleanup(started.task(), started.prestart().created()); // all the runner knew of
            assertThatThrownBy(() ->
                            driver.client().inspectContainerCmd(containerId).exec())
                    .isInstanceOf(NotFoundException.class);
        } finally {
            driver.cleanup(
                    started.task(),
                    started.prestart().created().merge(started.start().created()));
        }
    }

    @Test
    void aRunningContainerOfOursThatNamesNoImageIsNotRecovered() {
        TaskConfig task = DockerTestEnv.task(root, "imageless", shell("sleep 600"));
        String name = DockerLabels.containerName(task.id());
        Map<String, String> labels = new HashMap<>(DockerLabels.of(task.id(), LOCAL_IMAGE));
        labels.remove(DockerLabels.IMAGE);
        String id = driver.client()
                .createContainerCmd(LOCAL_IMAGE)
                .withName(name)
                .withCmd("sleep", "600")
                .withLabels(labels)
                .exec()
                .getId();
        try {
            driver.client().startContainerCmd(id).exec();
            HandleState state = new HandleState(
                    "docker",
                    DockerTaskHandle.STATE_VERSION,
                    Map.of(DockerTaskHandle.CONTAINER_ID, id, DockerTaskHandle.CONTAINER_NAME, name));

            assertThatThrownBy(() -> driver.recover(task, state, dev.taskdrivers.api.EventEmitter.NONE))
                    .isInstanceOfSatisfying(
                            DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                    .hasMessageContaining("container " + id + " of task " + task.id())
                    .hasMessageContaining("has no dev.taskdrivers.image label and the handle state names no image");
            assertThat(driver.findUnrecorded(task, dev.taskdrivers.api.EventEmitter.NONE))
                    .isEmpty();
            assertThat(driver.images().holders(LOCAL_IMAGE))
                    .doesNotContain(task.id().key());
        } finally {
            driver.client().removeContainerCmd(id).withForce(true).exec();
        }
    }

    /**
     * A task restarted right after its container exited: the stop is still removing that container (the engine says
     * "removal already in progress" and keeps its name until done), and the new start waits for it instead of failing
     * with a name conflict. Several rounds, as the removal's timing varies.
     */
    @Test
    void aStartRightAfterTheSameTasksStopWaitsForTheOldContainersRemoval() throws Exception {
        TaskConfig task = DockerTestEnv.task(root, "again", shell("sleep 600"));
        var started = DockerTestEnv.run(driver, task);
        try {
            for (int round = 0; round < 5; round++) {
                DockerTaskHandle before = started.handle();
                before.stop(Duration.ofSeconds(1), "SIGKILL"); // removes the container once it exited
                before.exitFuture().get(30, TimeUnit.SECONDS); // exited: the removal starts now

                started = DockerTestEnv.run(driver, task);

                assertThat(started.handle().containerId()).isNotEqualTo(before.containerId());
                assertThat(driver.client()
                                .inspectContainerCmd(started.handle().containerId())
                                .exec()
                                .getState()
                                .getRunning())
                        .isTrue();
                before.close();
            }
        } finally {
            started.stopAndCleanup(driver);
        }
    }

    @Test
    void replacesAStaleContainerOfOursButNeverTouchesAForeignOne() throws Exception {
        TaskConfig task = DockerTestEnv.task(root, "stale", shell("sleep 600"));
        String name = DockerLabels.containerName(task.id());
        String stale = driver.client()
                .createContainerCmd(LOCAL_IMAGE)
                .withName(name)
                .withCmd("sleep", "600")
                .withLabels(DockerLabels.of(task.id(), LOCAL_IMAGE))
                .exec()
                .getId();
        var started = DockerTestEnv.run(driver, task);
        try {
            assertThat(started.handle().containerId()).isNotEqualTo(stale);
            assertThatThrownBy(() -> driver.client().inspectContainerCmd(stale).exec())
                    .isInstanceOf(NotFoundException.class);
        } finally {
            started.stopAndCleanup(driver);
        }

        TaskConfig other = DockerTestEnv.task(root, "foreign", shell("sleep 600"));
        String foreign = driver.client()
                .createContainerCmd(LOCAL_IMAGE)
                .withName(DockerLabels.containerName(other.id()))
                .withCmd("sleep", "600")
                .exec()
                .getId();
        try {
            assertThatThrownBy(() -> DockerTestEnv.run(driver, other))
                    .isInstanceOf(DriverException.class)
                    .hasMessageContaining("not managed by taskdrivers");
            assertThat(driver.client().inspectContainerCmd(foreign).exec().getId())
                    .isEqualTo(foreign);
        } finally {
            driver.client().removeContainerCmd(foreign).withForce(true).exec();
            driver.cleanup(other, dev.taskdrivers.api.CreatedResources.empty().with("image", LOCAL_IMAGE));
        }
    }

    @Test
    void badConfigIsRefusedWithEveryProblemNamed() {
        TaskConfig task = DockerTestEnv.task(
                root,
                "bad",
                Map.of(
                        "image",
                        LOCAL_IMAGE,
                        "port_map",
                        Map.of("http", "x"),
                        "privileged",
                        true,
                        "volumes",
                        List.of("/etc:/host-etc"),
                        "imagee",
                        "typo",
                        "force_pull",
                        "yes"));
        assertThat(driver.validate(task))
                .extracting(p -> p.field())
                .containsExactlyInAnyOrder(
                        "config.port_map.http",
                        "config.privileged",
                        "config.volumes[0]",
                        "config.imagee",
                        "config.force_pull");
        assertThatThrownBy(() -> driver.prestart(task, dev.taskdrivers.api.EventEmitter.NONE))
                .isInstanceOf(dev.taskdrivers.api.ValidationException.class)
                .hasMessageContaining("config.imagee: unknown option")
                .hasMessageContaining("allow_privileged");
    }
}
