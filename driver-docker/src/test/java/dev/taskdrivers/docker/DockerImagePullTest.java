package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.TaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from the local registry, through a throttling proxy where speed matters. */
@Tag("real")
@Order(2)
// The pulls cut off mid-way run last: the engine keeps retrying a cut-off layer download for a minute or more, and a
// later pull of the same layer joins that download and fails with it.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerImagePullTest {
    private static final int CUT_OFF = Order.DEFAULT + 1;

    private static final long SLOW = 1_500_000; // bytes per second: the 4 MiB image takes about 3 s

    @TempDir
    Path root;

    private DockerDriver driver;
    private final List<DriverEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        DockerTestEnv.requireRegistry();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            DockerTestEnv.removeBigImage(driver.client());
            driver.close();
        }
    }

    private DockerDriver driver(Map<String, Object> extra) {
        Map<String, Object> options = new HashMap<>(Map.of("pull_progress_interval", "200ms"));
        options.putAll(extra);
        driver = DockerTestEnv.driver(options);
        DockerTestEnv.removeBigImage(driver.client());
        return driver;
    }

    private TaskConfig bigTask(int registryPort, Map<String, Object> auth) {
        Map<String, Object> config =
                new HashMap<>(Map.of("image", "127.0.0.1:" + registryPort + "/" + DockerTestEnv.BIG_REPOSITORY + ":1"));
        if (auth != null) {
            config.put("auth", auth);
        }
        return DockerTestEnv.task(root, "pull", config);
    }

    @Test
    void reportsProgressWhilePullingAndRecordsTheImage() throws Exception {
        driver(Map.of());
        try (ThrottledProxy proxy = new ThrottledProxy(5000, SLOW)) {
            TaskConfig task = bigTask(proxy.port(), DockerTestEnv.auth());
            PrestartResult result = driver.prestart(task, events::add);
            String image = "127.0.0.1:" + proxy.port() + "/taskdrivers/big:1";
            assertThat(result.created().get("image")).containsExactly(image);
            assertThat(DockerTestEnv.imagePresent(driver.client(), image)).isTrue();

            List<DriverEvent> progress = events.stream()
                    .filter(e ->
                            e.details().containsKey("percent") && e.message().startsWith("Downloading image"))
                    .toList();
            assertThat(progress).hasSizeGreaterThanOrEqualTo(3);
            List<Long> done = progress.stream()
                    .map(e -> Long.parseLong(e.details().get("bytes_done")))
                    .toList();
            assertThat(done).isSorted();
            assertThat(done.get(done.size() - 1)).isGreaterThan(done.get(0));
            assertThat(progress.get(progress.size() - 1).details())
                    .containsEntry("image", image)
                    .containsKey("bytes_total");
            assertThat(Long.parseLong(
                            progress.get(progress.size() - 1).details().get("bytes_total")))
                    .isGreaterThan(4L * 1024 * 1024);
            // bounded rate: no more than one event per 200 ms, with slack for scheduling
            Duration span = Duration.between(
                    progress.get(0).time(), progress.get(progress.size() - 1).time());
            assertThat(progress.size()).isLessThanOrEqualTo((int) (span.toMillis() / 150) + 2);
            assertThat(events).anyMatch(e -> e.message().startsWith("Downloaded image"));
            driver.cleanup(task, result.created());
        }
    }

    @Test
    void everyPullEventReachesTheTaskBeforePrestartReturns() throws Exception {
        driver(Map.of());
        try (ThrottledProxy proxy = new ThrottledProxy(5000, SLOW)) {
            TaskConfig task = bigTask(proxy.port(), DockerTestEnv.auth());
            CountDownLatch prestartReturned = new CountDownLatch(1);
            List<String> afterReturn = new CopyOnWriteArrayList<>();
            EventEmitter emitter = event -> {
                if (event.message().startsWith("Downloaded image")) {
                    // held back: a prestart that can return before this event is delivered does so meanwhile
                    awaitQuietly(prestartReturned, Duration.ofSeconds(2));
                }
                if (prestartReturned.getCount() == 0) {
                    afterReturn.add(event.message());
                }
                events.add(event);
            };
            PrestartResult result = driver.prestart(task, emitter);
            List<DriverEvent> atReturn = List.copyOf(events);
            prestartReturned.countDown();
            try {
                assertThat(atReturn)
                        .first()
                        .satisfies(e -> assertThat(e.message()).startsWith("Downloading image"));
                assertThat(atReturn).anySatisfy(e -> assertThat(e.details()).containsKey("percent"));
                assertThat(atReturn)
                        .last()
                        .satisfies(e -> assertThat(e.message()).startsWith("Downloaded image"));
                assertThat(afterReturn).isEmpty();
            } finally {
                driver.cleanup(task, result.created());
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration atMost) {
        try {
            latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void concurrentTasksShareOnePull() throws Exception {
        driver(Map.of());
        try (ThrottledProxy proxy = new ThrottledProxy(5000, SLOW * 4)) {
            int tasks = 12;
            ExecutorService pool = Executors.newFixedThreadPool(tasks);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<PrestartResult>> results = new ArrayList<>();
            List<TaskConfig> configs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                TaskConfig task = bigTask(proxy.port(), DockerTestEnv.auth());
                configs.add(task);
                results.add(pool.submit(() -> {
                    go.await();
                    return driver.prestart(task, events::add);
                }));
            }
            go.countDown();
            for (Future<PrestartResult> f : results) {
                assertThat(f.get().created().get("image")).hasSize(1);
            }
            pool.shutdown();
            assertThat(driver.images().pullsStarted()).isEqualTo(1);
            String image = "127.0.0.1:" + proxy.port() + "/taskdrivers/big:1";
            assertThat(driver.images().holders(image)).hasSize(tasks);
            for (int i = 0; i < tasks; i++) {
                driver.cleanup(configs.get(i), results.get(i).get().created());
            }
            assertThat(driver.images().holders(image)).isEmpty();
        }
    }

    @Test
    void configJsonCredentialsAreUsedWhenTheTaskHasNone() throws Exception {
        Path configJson = root.resolve("config.json");
        String basic = Base64.getEncoder()
                .encodeToString((DockerTestEnv.username() + ":" + DockerTestEnv.password())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(configJson, "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + basic + "\"}}}");
        driver(Map.of("auth_config", configJson.toString()));
        TaskConfig task = bigTask(5000, null);
        PrestartResult result = driver.prestart(task, events::add);
        assertThat(DockerTestEnv.imagePresent(driver.client(), "127.0.0.1:5000/taskdrivers/big:1"))
                .isTrue();
        driver.cleanup(task, result.created());
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() {
        driver(Map.of());
        String wrong = "wrong-" + DockerTestEnv.password();
        TaskConfig task = bigTask(5000, Map.of("username", DockerTestEnv.username(), "password", wrong));
        assertThatThrownBy(() -> driver.prestart(task, events::add))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
                    assertThat(e.getMessage())
                            .contains("taskdrivers/big:1")
                            .contains("refused")
                            .doesNotContain(wrong);
                    assertThat(e.toString()).doesNotContain(wrong);
                });
        assertThat(task.toString()).doesNotContain(wrong);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.message()).doesNotContain(wrong);
            assertThat(e.details().values()).noneMatch(v -> v.contains(wrong));
        });
        assertThat(driver.images().holders("127.0.0.1:5000/taskdrivers/big:1")).isEmpty();

        assertThatThrownBy(() -> driver.prestart(bigTask(5000, null), events::add))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION));
    }

    @Test
    void passwordNeverReachesTheLog() throws Exception {
        // runs after pulls with right and wrong passwords in this JVM, debug logging on for the driver
        wrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword();
        Path log = Path.of("target/docker-tests.log");
        assertThat(log).exists();
        String text = Files.readString(log);
        assertThat(text).contains("pull").doesNotContain(DockerTestEnv.password());
    }

    @Test
    void unknownImageIsNotFound() {
        driver(Map.of());
        TaskConfig task = DockerTestEnv.task(
                root, "missing", Map.of("image", "127.0.0.1:5000/taskdrivers/nope:1", "auth", DockerTestEnv.auth()));
        assertThatThrownBy(() -> driver.prestart(task, events::add))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("taskdrivers/nope:1");
                });
    }

    @Test
    @Order(CUT_OFF)
    void registryStoppingMidPullEndsThePullWithAClearError() throws Exception {
        driver(Map.of("pull_activity_timeout", "2s"));
        ThrottledProxy proxy = new ThrottledProxy(5000, SLOW / 3);
        TaskConfig task = bigTask(proxy.port(), DockerTestEnv.auth());
        Thread cutter = new Thread(() -> {
            while (events.stream().noneMatch(e -> !"0".equals(e.details().getOrDefault("bytes_done", "0")))) {
                Thread.onSpinWait();
            }
            try {
                proxy.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        cutter.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> driver.prestart(task, events::add))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("taskdrivers/big:1");
        cutter.join(5000);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(DockerTestEnv.imagePresent(driver.client(), "127.0.0.1:" + proxy.port() + "/taskdrivers/big:1"))
                .isFalse();
        assertThat(driver.images().holders("127.0.0.1:" + proxy.port() + "/taskdrivers/big:1"))
                .isEmpty();
    }

    @Test
    @Order(CUT_OFF)
    void stalledPullIsCancelledAfterTheActivityTimeout() throws Exception {
        driver(Map.of("pull_activity_timeout", "1500ms"));
        try (ThrottledProxy proxy = new ThrottledProxy(5000, SLOW / 3)) {
            TaskConfig task = bigTask(proxy.port(), DockerTestEnv.auth());
            Thread staller = new Thread(() -> {
                while (events.stream().noneMatch(e -> !"0".equals(e.details().getOrDefault("bytes_done", "0")))) {
                    Thread.onSpinWait();
                }
                proxy.stall();
            });
            staller.start();
            assertThatThrownBy(() -> driver.prestart(task, events::add))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                        assertThat(e.getMessage()).contains("made no progress for 1500ms");
                    });
            staller.join(5000);
        }
    }

    @Test
    @Order(CUT_OFF)
    void imagePullTimeoutEndsASlowPull() throws Exception {
        driver(Map.of());
        try (ThrottledProxy proxy = new ThrottledProxy(5000, SLOW / 3)) {
            Map<String, Object> config = new HashMap<>(Map.of(
                    "image",
                    "127.0.0.1:" + proxy.port() + "/taskdrivers/big:1",
                    "auth",
                    DockerTestEnv.auth(),
                    "image_pull_timeout",
                    "1s"));
            TaskConfig task = DockerTestEnv.task(root, "slow", config);
            assertThatThrownBy(() -> driver.prestart(task, events::add))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                        assertThat(e.getMessage()).contains("image_pull_timeout");
                    });
        }
    }
}
