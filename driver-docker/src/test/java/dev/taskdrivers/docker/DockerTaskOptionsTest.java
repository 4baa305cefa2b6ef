package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The long-standing task options reach the container: DNS, hosts, hostname, work dir, security, shm, logging, tty. */
@Tag("real")
class DockerTaskOptionsTest {
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

    private static String sh(TaskHandle h, String script) {
        return h.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(10)))
                .stdout()
                .strip();
    }

    @Test
    void optionsReachTheContainer() throws Exception {
        Map<String, Object> config = Map.ofEntries(
                Map.entry("image", LOCAL_IMAGE),
                Map.entry("command", "sh"),
                Map.entry("args", List.of("-c", "[ -t 1 ] && echo tty > /local/tty; exec sleep 600")),
                Map.entry("dns_servers", List.of("10.0.0.53")),
                Map.entry("dns_search_domains", List.of("svc.test")),
                Map.entry("extra_hosts", List.of("db.test:10.1.2.3")),
                Map.entry("hostname", "task-host"),
                Map.entry("work_dir", "/tmp"),
                Map.entry("security_opt", List.of("no-new-privileges")),
                Map.entry("shm_size", 8 * 1024 * 1024),
                Map.entry("cap_drop", List.of("chown")),
                Map.entry("logging", Map.of("type", "json-file", "config", Map.of("max-size", "1m"))),
                Map.entry("labels", Map.of("team", "a")),
                Map.entry("tty", true),
                Map.entry("interactive", true));
        TaskConfig task = DockerTestEnv.task(root, "options", config);
        var started = DockerTestEnv.run(driver, task);
        try {
            TaskHandle h = started.handle();
            assertThat(sh(h, "cat /etc/resolv.conf")).contains("nameserver 10.0.0.53", "search svc.test");
            assertThat(sh(h, "grep db.test /etc/hosts")).matches("10\\.1\\.2\\.3\\s+db\\.test");
            assertThat(sh(h, "hostname; pwd")).isEqualTo("task-host\n/tmp");
            assertThat(sh(h, "grep NoNewPrivs /proc/1/status")).endsWith("1");
            assertThat(sh(h, "df -k /dev/shm | tail -1 | awk '{print $2}'")).isEqualTo("8192");
            String capEff = sh(h, "grep CapEff /proc/1/status");
            assertThat(new BigInteger(capEff.substring(capEff.indexOf(':') + 1).strip(), 16).testBit(0))
                    .as("CHOWN dropped")
                    .isFalse();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(task.dirs().localDir().resolve("tty")));

            var inspect = driver.client()
                    .inspectContainerCmd(h.state().require("container_id"))
                    .exec();
            assertThat(inspect.getHostConfig().getLogConfig().getType().getType())
                    .isEqualTo("json-file");
            assertThat(inspect.getHostConfig().getLogConfig().getConfig()).containsEntry("max-size", "1m");
            assertThat(inspect.getConfig().getLabels()).containsEntry("team", "a");
            assertThat(inspect.getConfig().getStdinOpen()).isTrue();
        } finally {
            started.stopAndCleanup(driver);
        }
    }
}
