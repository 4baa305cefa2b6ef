package dev.taskdrivers.rkt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rkt paths the contract test does not reach, against the stand-in rkt with its knobs. */
class RktDriverStandinTest {
    @TempDir
    Path root;

    private StandinRkt rkt;
    private RktDriver driver;
    private final List<TaskConfig> tasks = new ArrayList<>();
    private final List<StartResult> results = new ArrayList<>();

    @BeforeEach
    void install() {
        rkt = StandinRkt.install(root.resolve("bin"));
        driver = driver(Map.of());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = 0; i < results.size(); i++) {
            results.get(i).handle().stop(Duration.ZERO, "SIGKILL").get(10, TimeUnit.SECONDS);
            driver.cleanup(tasks.get(i), results.get(i).created());
        }
        driver.close();
        assertThat(rkt.pods()).as("pods left").isZero();
    }

    @Test
    void aPrepareSlowerThanFiveSecondsKeepsThePodUuid() throws Exception {
        rkt.knob("prepare-delay", "6");
        TaskConfig task = task(
                "sleeper",
                Map.of("image", "docker://busybox:1", "command", "/bin/sleep", "args", List.of("100")),
                List.of());

        StartResult result = start(task);

        String uuid = result.handle().state().data().get("uuid");
        assertThat(uuid).matches("[0-9a-f-]{36}");
        assertThat(Files.readString(root.resolve("data/pods/" + task.id().allocId() + "_sleeper.uuid"))
                        .trim())
                .isEqualTo(uuid);
        assertThat(rkt.calls()).contains("run-prepared " + uuid);
        assertThat(result.handle().exitFuture()).isNotDone();
    }

    @Test
    void aFailedPrepareSaysWhyAndLeavesNoPod() throws Exception {
        rkt.knob("prepare-fail", "manifest unknown");
        TaskConfig task = task("broken", Map.of("image", "docker://nope:1"), List.of());

        assertThatThrownBy(() -> driver.start(task, EventEmitter.NONE))
                .isInstanceOfSatisfying(
                        DriverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXTERNAL))
                .hasMessageContaining("rkt prepare of docker://nope:1 failed")
                .hasMessageContaining("manifest unknown");
        assertThat(rkt.calls()).doesNotContain("run-prepared");
        assertThat(root.resolve("data/pods/" + task.id().allocId() + "_broken.uuid"))
                .doesNotExist();
    }

    @Test
    void theNetworkComesFromPollingStatusUntilThePodHasAnAddress() throws Exception {
        rkt.knob("network-delay", "2");
        TaskConfig task = task(
                "net",
                Map.of(
                        "image",
                        "docker://busybox:1",
                        "command",
                        "/bin/sleep",
                        "args",
                        List.of("100"),
                        "net",
                        List.of("default")),
                List.of());

        StartResult result = start(task);

        assertThat(result.network()).hasValueSatisfying(n -> {
            assertThat(n.ip()).startsWith("172.16.28.");
            assertThat(n.autoAdvertise()).isTrue();
        });
        assertThat(rkt.calls()
                        .lines()
                        .filter(l -> l.startsWith("status --format=json"))
                        .count())
                .as("status polled more than once")
                .isGreaterThan(1);
    }

    @Test
    void aPodOnTheHostNetworkHasNoAddressOfItsOwn() throws Exception {
        TaskConfig task = task(
                "hostnet",
                Map.of(
                        "image",
                        "docker://busybox:1",
                        "command",
                        "/bin/sleep",
                        "args",
                        List.of("100"),
                        "net",
                        List.of("host")),
                List.of());

        assertThat(start(task).network()).isEmpty();
        assertThat(rkt.calls()).doesNotContain("status --format=json");
    }

    @Test
    void argumentsReachTheAppLiterallyWithoutAnyShellInBetween() throws Exception {
        String nasty = "a b; $(touch " + root.resolve("pwned") + ") `id` 'q' \"d\" *";
        TaskConfig task = task(
                "literal",
                Map.of(
                        "image",
                        "docker://busybox:1",
                        "command",
                        "/bin/sh",
                        "args",
                        List.of("-c", "printf '%s' \"$1\" > \"$NOMAD_ALLOC_DIR/out\"", "sh", nasty)),
                List.of());

        StartResult result = start(task);

        assertThat(result.handle().exitFuture().get(20, TimeUnit.SECONDS).exitCode())
                .isZero();
        assertThat(Files.readString(task.dirs().allocDir().resolve("out"))).isEqualTo(nasty);
        assertThat(root.resolve("pwned")).doesNotExist();
    }

    @Test
    void optionsBecomeRktFlags() throws Exception {
        Path data = Files.createDirectories(root.resolve("volume"));
        TaskConfig task = task(
                "flags",
                Map.of(
                        "image",
                        "example.com/app:1",
                        "command",
                        "/bin/sleep",
                        "args",
                        List.of("100"),
                        "trust_prefix",
                        "example.com/app",
                        "insecure_options",
                        List.of("image"),
                        "dns_servers",
                        List.of("10.0.0.53"),
                        "dns_search_domains",
                        List.of("corp"),
                        "port_map",
                        Map.of("http", "http-8080"),
                        "volumes",
                        List.of(data + ":/data"),
                        "debug",
                        true),
                List.of(new Port("http", 20080, "127.0.0.1")));

        start(task);

        String calls = rkt.calls();
        assertThat(calls).contains("trust --skip-fingerprint-review=true --prefix=example.com/app");
        assertThat(calls).contains("--debug --insecure-options=image prepare --quiet --memory=300M --cpu=100m");
        assertThat(calls)
                .contains(
                        "--volume=flags-vol0\\,kind=host\\,source=" + data,
                        "--mount=volume=flags-vol0\\,target=/data",
                        "--port=http-8080:127.0.0.1:20080",
                        "--exec=/bin/sleep -- 100 ---");
        assertThat(calls).contains("--dns=10.0.0.53 --dns-search=corp");
    }

    @Test
    void aPodLeftByACrashedStartIsRemovedByTheNextStart() throws Exception {
        TaskConfig task = task(
                "again",
                Map.of("image", "docker://busybox:1", "command", "/bin/sleep", "args", List.of("100")),
                List.of());
        // A runner prepared a pod and died before it recorded anything but the persisted UUID.
        StartResult first = driver.start(task, EventEmitter.NONE);
        String leftover = first.handle().state().data().get("uuid");

        StartResult second = start(task);

        assertThat(second.handle().state().data().get("uuid")).isNotEqualTo(leftover);
        assertThat(rkt.calls()).contains("rm " + leftover);
        assertThat(first.handle().exitFuture().get(10, TimeUnit.SECONDS).successful())
                .isFalse();
    }

    @Test
    void statsDescribeThePodsProcess() throws Exception {
        TaskConfig task = task(
                "stats",
                Map.of("image", "docker://busybox:1", "command", "/bin/sleep", "args", List.of("100")),
                List.of());
        StartResult result = start(task);

        assertThat(result.handle().stats().memoryRssBytes()).isPositive();
    }

    @Test
    void fingerprintNeedsRkt127OrNewer() throws Exception {
        Fingerprint healthy = driver.fingerprint();
        assertThat(healthy.isHealthy()).isTrue();
        assertThat(healthy.attributes()).containsEntry("driver.rkt.version", "1.30.0");

        rkt.knob("version", "1.26.0");
        assertThat(driver.fingerprint().health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
        assertThat(driver.fingerprint().description()).contains("1.26.0", "1.27.0");

        RktDriver missing = driver(Map.of("rkt_path", root.resolve("no-rkt").toString()));
        assertThat(missing.fingerprint().health()).isEqualTo(Fingerprint.Health.UNHEALTHY);
        missing.close();
    }

    private RktDriver driver(Map<String, Object> options) {
        Map<String, Object> all = new HashMap<>(Map.of("rkt_path", rkt.path()));
        all.putAll(options);
        return new RktDriver(RktDriverOptions.from(new DriverContext(all, root.resolve("data"))));
    }

    @Test
    void thePodsOutputIsRotatedByTheTasksLogLimitsWithNothingLost() throws Exception {
        String script = "i=1; while [ $i -le 1500 ]; do echo out $i; if [ $((i % 100)) -eq 0 ]; then sleep 0.25; fi;"
                + " i=$((i+1)); done";
        TaskConfig task = task(
                        "chatty",
                        Map.of("image", "docker://busybox:1", "command", "/bin/sh", "args", List.of("-c", script)),
                        List.of())
                .withLogs(
                        LogConfig.builder().maxFiles(100).maxFileSizeBytes(4096).build());

        StartResult result = start(task);
        assertThat(result.handle().exitFuture().get(60, TimeUnit.SECONDS).exitCode())
                .isZero();

        StringBuilder all = new StringBuilder();
        int files = 0;
        for (; Files.exists(task.dirs().logsDir().resolve("chatty.stdout." + files)); files++) {
            all.append(Files.readString(task.dirs().logsDir().resolve("chatty.stdout." + files)));
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 1500; i++) {
            expected.append("out ").append(i).append('\n');
        }
        assertThat(files).as("files written").isGreaterThan(1);
        assertThat(all.toString()).isEqualTo(expected.toString());
    }

    private StartResult start(TaskConfig task) {
        driver.prestart(task, EventEmitter.NONE);
        StartResult result = driver.start(task, EventEmitter.NONE);
        tasks.add(task);
        results.add(result);
        return result;
    }

    private TaskConfig task(String name, Map<String, Object> config, List<Port> ports) throws Exception {
        TaskId id = new TaskId("alloc1", "job", "group", 0, name);
        TaskDirs dirs = TaskDirs.standard(root.resolve("alloc"), name);
        Files.createDirectories(dirs.allocDir());
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, Resources.DEFAULT_MEMORY_MB, ports);
        Map<String, String> env =
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build();
        return new TaskConfig(id, config, env, resources, dirs, null, null, null);
    }
}
